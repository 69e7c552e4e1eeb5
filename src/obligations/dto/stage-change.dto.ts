import { Type } from 'class-transformer';
import { ArrayMaxSize, Equals, IsArray, IsIn, IsOptional, IsString, IsUrl, Length, ValidateNested } from 'class-validator';
import { IsCivilDate, IsNotBlank } from '../../common/validation/decorators';
import { CapacityItemDto } from './obligation.dto';

export class ExtensionDto {
  /** New deadline asked for; within the dimension's extension rule. */
  @IsCivilDate() requestedDeadline: string;
  @IsString() @Length(1, 2000) reason: string;
  /** Day the enterprise applied; today when omitted. Never after the deadline it extends, nor after today. */
  @IsOptional() @IsCivilDate() appliedOn?: string;
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

/**
 * What the seed requires of an exit by sealing: water and power cut, power units removed, the main equipment
 * sealed, a public commitment not to resume, an announcement on the city or bureau website, and a time limit
 * for dismantling.
 */
export class SealingDto {
  /** Water supply cut; the seed requires it. */
  @Equals(true, { message: 'must be true: sealing requires the water supply cut' }) waterCut: boolean;
  /** Power supply cut; the seed requires it. */
  @Equals(true, { message: 'must be true: sealing requires the power supply cut' }) powerCut: boolean;
  /** Power units removed; the seed requires it. */
  @Equals(true, { message: 'must be true: sealing requires the power units removed' }) powerUnitsRemoved: boolean;
  /** Reference of the enterprise's public commitment not to resume production. */
  @IsString() @Length(1, 200) @IsNotBlank() commitmentRef: string;
  /** Where the sealing was announced (city or bureau website). */
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http(s) URL' }) @Length(1, 2000) announcementUrl: string;
  /** Last day to dismantle the sealed equipment; a sweep flags it for the department once it passes unreported. */
  @IsCivilDate() dismantleBy: string;
}

export class ExitCompletedDto {
  @IsCivilDate() completedOn: string;
  @IsIn(['dismantled', 'sealed', 'closed']) method: 'dismantled' | 'sealed' | 'closed';
  @IsOptional() @IsCivilDate() verifiedOn?: string;
  /** Capacity that exited, when it differs from the obligation's. */
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => CapacityItemDto)
  capacityExited?: CapacityItemDto[];
  /** Required with method sealed, and only then. */
  @IsOptional() @ValidateNested() @Type(() => SealingDto) sealing?: SealingDto;
}

export class DismantledDto {
  /** Day the sealed equipment was dismantled. */
  @IsCivilDate() dismantledOn: string;
  @IsOptional() @IsString() @Length(1, 4000) evidence?: string;
}

export class ObjectionDto {
  @IsCivilDate() raisedOn: string;
  /** upheld returns the obligation to its previous stage; rejected lets the record issue when notice ends. */
  @IsIn(['upheld', 'rejected']) decision: 'upheld' | 'rejected';
  @IsString() @Length(1, 2000) reason: string;
}
