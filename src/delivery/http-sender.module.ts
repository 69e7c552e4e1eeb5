import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { AppConfig } from '../config/config.schema';
import { guardedLookup } from '../subscriptions/guarded-lookup';
import { normalizeHost } from '../subscriptions/url-guard';
import { HttpSender } from './http-sender';

@Module({
  imports: [
    HttpModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        // Every new connection checks the addresses it resolves to, whatever the send-time check saw.
        const lookup = guardedLookup(new Set(config.outbound.allow.map(normalizeHost)));
        return {
          // Pushes go to a few endpoints over and over; reusing connections avoids a TLS handshake per push.
          // A socket for every push the pool lets run at once (per host, as agents count).
          httpAgent: new HttpAgent({ keepAlive: true, maxSockets: config.delivery.pushesInFlight, lookup }),
          httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: config.delivery.pushesInFlight, lookup }),
          // Every status is an outcome for the retry policy, not an exception.
          validateStatus: () => true,
          // The URL guard approved the configured address only; a redirect could lead anywhere.
          maxRedirects: 0,
          // The UrlGuard vetted the endpoint itself; an ambient HTTP(S)_PROXY must not reroute pushes.
          proxy: false,
          // The body is read as a stream and only its start is kept: it is never parsed nor held whole.
          responseType: 'stream',
          // The request body is already the bytes to send and the answer is read raw: nothing to transform.
          transformRequest: [],
          transformResponse: [],
          transitional: { forcedJSONParsing: false, silentJSONParsing: false, clarifyTimeoutError: true },
        };
      },
    }),
  ],
  providers: [HttpSender],
  exports: [HttpSender],
})
export class HttpSenderModule {}
