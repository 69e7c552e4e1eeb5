// Every migration class, in order, for code that runs migrations without the compiled glob (the test setup).
import { Foundation1764190000000 } from './1764190000000-Foundation';
import { Subscriptions1764190100000 } from './1764190100000-Subscriptions';
import { Records1764190200000 } from './1764190200000-Records';
import { Delivery1764190300000 } from './1764190300000-Delivery';
import { OpsExtras1764190400000 } from './1764190400000-OpsExtras';
import { Restrictions1764190500000 } from './1764190500000-Restrictions';
import { PublicationIndexes1764190600000 } from './1764190600000-PublicationIndexes';
import { Reconciliation1764190700000 } from './1764190700000-Reconciliation';
import { LawfulSanctions1764190800000 } from './1764190800000-LawfulSanctions';
import { BoundedLookupLog1764190810000 } from './1764190810000-BoundedLookupLog';
import { ListSearch1764190820000 } from './1764190820000-ListSearch';
import { DeliveryStats1764190830000 } from './1764190830000-DeliveryStats';
import { DeliveryCompleteness1764191000000 } from './1764191000000-DeliveryCompleteness';
import { TransparencyLog1764191100000 } from './1764191100000-TransparencyLog';

export const MIGRATIONS = [Foundation1764190000000, Subscriptions1764190100000, Records1764190200000, Delivery1764190300000, OpsExtras1764190400000, Restrictions1764190500000, PublicationIndexes1764190600000, Reconciliation1764190700000, LawfulSanctions1764190800000, BoundedLookupLog1764190810000, ListSearch1764190820000, DeliveryStats1764190830000, DeliveryCompleteness1764191000000, TransparencyLog1764191100000];
