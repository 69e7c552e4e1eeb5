/** Who the audit trail names: a principal, or null for the gateway itself. */
export interface Actor {
  id: string;
  name: string;
}
