import { Module } from '@nestjs/common';
import { PrincipalsModule } from '../principals/principals.module';
import { ConsoleController } from './console.controller';
import { ConsoleSessions } from './console-sessions';

/** The operator console's own endpoints; the pages and the queue dashboard are mounted by setupConsole. */
@Module({
  imports: [PrincipalsModule],
  controllers: [ConsoleController],
  providers: [ConsoleSessions],
  exports: [ConsoleSessions],
})
export class ConsoleModule {}
