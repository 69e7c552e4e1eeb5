import { IsISO8601, IsOptional } from 'class-validator';

export class RunSweepDto {
  /** The instant the sweep acts as of (ISO 8601); now when omitted. Deadlines compare with its date in the jurisdiction's zone. */
  @IsOptional() @IsISO8601({ strict: true }) asOf?: string;
}
