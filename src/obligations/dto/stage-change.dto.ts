import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { IsCivilDate } from '../../common/validation/decorators';
import { CapacityItemDto } from './obligation.dto';

export class ExtensionDto {
  /** New deadline asked for; within the dimension's extension rule. */
  @IsCivilDate() requestedDeadline: string;
  @IsString() @Length(1, 2000) reason: string;
}

export class RectifiedDto {
  /** Day the rectification was verified. */
  @IsCivilDate() verifiedOn: string;
  @IsOptional() @IsString() @Length(1, 4000) evidence?: string;
}

export class ExitOrderDto {
  /** Last day to complete exit; the obligation is overdue from the next day. */
  @IsCivilDate() exitDeadline: string;
  @IsCivilDate() decidedOn: string;
  /** Government approval, where the dimension needs one. */
  @IsOptional() @IsString() @Length(1, 200) approvedBy?: string;
}

export class ExitCompletedDto {
  @IsCivilDate() completedOn: string;
  @IsIn(['dismantled', 'sealed', 'closed']) method: 'dismantled' | 'sealed' | 'closed';
  @IsOptional() @IsCivilDate() verifiedOn?: string;
  /** Capacity that exited, when it differs from the obligation's. */
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => CapacityItemDto)
  capacityExited?: CapacityItemDto[];
}

export class ObjectionDto {
  @IsCivilDate() raisedOn: string;
  /** upheld returns the obligation to its previous stage; rejected lets the record issue when notice ends. */
  @IsIn(['upheld', 'rejected']) decision: 'upheld' | 'rejected';
  @IsString() @Length(1, 2000) reason: string;
}
