import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Length } from 'class-validator';
import { MEASURES, Measure } from '../common/domain';

export class AmendRecordDto {
  /** The measures that remain; a strict subset of the record's current measures. */
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsIn(MEASURES, { each: true }) measures: Measure[];
  /** Why the measures are narrowed. */
  @IsString() @Length(1, 2000) reason: string;
}
