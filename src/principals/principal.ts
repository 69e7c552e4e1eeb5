import type { Role } from '../common/domain';

/** The authenticated caller, with the scope checks every feature uses. */
export class Principal {
  constructor(
    readonly id: string,
    readonly name: string,
    readonly role: Role,
    readonly department: string | null,
    readonly counties: readonly string[],
    readonly domains: readonly string[],
  ) {}

  get isAdmin(): boolean {
    return this.role === 'admin';
  }

  /** Admins and operators see every department and county. */
  get seesEverything(): boolean {
    return this.role === 'admin' || this.role === 'operator';
  }

  /** A department key acts for its department and, when counties are set, only in those counties. */
  mayActFor(department: string, county: string): boolean {
    if (this.isAdmin) return true;
    if (this.role !== 'department') return false;
    return this.department === department && this.mayActInCounty(county);
  }

  mayActInCounty(county: string): boolean {
    if (this.isAdmin) return true;
    if (this.role !== 'department') return false;
    return this.counties.length === 0 || this.counties.includes(county);
  }

  mayRead(department: string, county: string): boolean {
    return this.seesEverything || this.mayActFor(department, county);
  }
}
