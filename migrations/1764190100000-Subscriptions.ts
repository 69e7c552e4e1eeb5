import { MigrationInterface, QueryRunner } from 'typeorm';

export class Subscriptions1764190100000 implements MigrationInterface {
  name = 'Subscriptions1764190100000';

  async up(q: QueryRunner): Promise<void> {
    // secret stays in clear: every push is signed with it (Standard Webhooks HMAC), so a hash would be useless.
    await q.query(`
      CREATE TABLE subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency text NOT NULL,
        domains text[] NOT NULL CHECK (
          cardinality(domains) >= 1
          AND domains <@ ARRAY['land_supply', 'funding_support', 'tax_administration', 'production_license', 'safety_license',
                               'bond_issuance', 'financing_credit', 'government_procurement', 'public_works_bidding']::text[]
        ),
        url text NOT NULL,
        state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused', 'disabled')),
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        principal_id uuid REFERENCES principals (id),
        max_concurrency int NOT NULL DEFAULT 4 CHECK (max_concurrency >= 1),
        rate_per_second int NOT NULL DEFAULT 50 CHECK (rate_per_second >= 1),
        disabled_at timestamptz,
        disabled_reason text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
      )`);
    // The outbox routes each record to the active subscriptions whose domains overlap its measures (domains && $1).
    await q.query(`CREATE INDEX subscriptions_active_domains_idx ON subscriptions USING gin (domains) WHERE state = 'active'`);
    // The admin listing pages in creation order.
    await q.query(`CREATE INDEX subscriptions_created_idx ON subscriptions (created_at, id)`);
    // An agency's queries and feedback find its subscriptions by its API principal.
    await q.query(`CREATE INDEX subscriptions_principal_idx ON subscriptions (principal_id) WHERE principal_id IS NOT NULL`);
  }

  async down(): Promise<void> {
    throw new Error('migrations are forward-only');
  }
}
