import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../principals/auth.decorators';
import { JwksDto } from './dto/jwks.dto';
import { SigningService } from './signing.service';

@ApiTags('signing')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly signing: SigningService) {}

  /** Every published Ed25519 key; verifiers may cache it briefly, as a rotation only adds keys. */
  @Get('jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ type: JwksDto, description: 'The JSON Web Key Set' })
  jwks() {
    return this.signing.currentJwks();
  }
}
