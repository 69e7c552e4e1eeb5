import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { RESTRICTIONS_CHANGED } from '../restrictions.repository';
import { RestrictionsMirror } from './restrictions-mirror';

/** Tells the mirror when a transaction that changed restrictions has committed, and not before. */
@Injectable()
export class RestrictionsCommitSubscriber implements EntitySubscriberInterface {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly mirror: RestrictionsMirror,
  ) {
    dataSource.subscribers.push(this);
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    // A savepoint released inside the transaction is not yet a commit.
    if (queryRunner.isTransactionActive || !queryRunner.data[RESTRICTIONS_CHANGED]) return;
    delete queryRunner.data[RESTRICTIONS_CHANGED];
    this.mirror.markChanged();
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) delete queryRunner.data[RESTRICTIONS_CHANGED];
  }
}
