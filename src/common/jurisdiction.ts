import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config.schema';
import { CivilDate, civilDateAt } from './calendar';
import { Clock } from './clock';
import { FieldProblem } from './http/api-error';

/** The configured city: its time zone, counties and departments. */
@Injectable()
export class Jurisdiction {
  private readonly counties: Set<string>;
  private readonly departments: Set<string>;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.counties = new Set(config.jurisdiction.counties.map((c) => c.code));
    this.departments = new Set(config.jurisdiction.departments.map((d) => d.code));
  }

  get timeZone(): string {
    return this.config.jurisdiction.timeZone;
  }

  today(): CivilDate {
    return civilDateAt(this.clock.now(), this.timeZone);
  }

  countyProblem(field: string, code: string): FieldProblem | null {
    return this.counties.has(code) ? null : { field, message: `unknown county "${code}"; one of ${[...this.counties].join(', ')}` };
  }

  departmentProblem(field: string, code: string): FieldProblem | null {
    return this.departments.has(code)
      ? null
      : { field, message: `unknown department "${code}"; one of ${[...this.departments].join(', ')}` };
  }

  countyName(code: string): string | undefined {
    return this.config.jurisdiction.counties.find((c) => c.code === code)?.name;
  }
}
