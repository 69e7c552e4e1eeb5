import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../principals/auth.decorators';
import { JwksDto } from './dto/jwks.dto';
import { SigningService } from './signing.service';

@ApiTags('signing')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly signing: SigningService) {}

  /** Every instance's public keys, revoked ones with their window; cacheable for a minute, so a revocation reaches verifiers soon. */
  @Get('jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=60')
  @ApiOkResponse({ type: JwksDto, description: 'The JSON Web Key Set' })
  jwks() {
    return this.signing.currentJwks();
  }
}
