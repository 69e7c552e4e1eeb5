export class CodeNameDto {
  code: string;
  name: string;
}

export class ConsoleSettingsDto {
  /** The jurisdiction's name, e.g. 河源市. */
  jurisdiction: string;
  /** IANA zone every time in the console is shown in. */
  timeZone: string;
  counties: CodeNameDto[];
  departments: CodeNameDto[];
  /** The server's current time (ISO 8601), so "older than" filters do not depend on the browser's clock. */
  now: string;
}

export class ConsoleSessionDto {
  /** The signed-in principal's name. */
  name: string;
  /** admin or operator. */
  role: string;
  /** When the queue dashboard cookie runs out. */
  dashboardUntil: string;
}
