// Every migration class, in order, for code that runs migrations without the compiled glob (the test setup).
import { Foundation1764190000000 } from './1764190000000-Foundation';

export const MIGRATIONS = [Foundation1764190000000];
