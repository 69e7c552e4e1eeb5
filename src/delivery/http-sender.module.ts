import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { AppConfig } from '../config/config.schema';
import { guardedLookup } from '../subscriptions/guarded-lookup';
import { normalizeHost } from '../subscriptions/url-guard';
import { HttpSender } from './http-sender';

/** Sockets kept per agent: enough for the worker concurrency across many targets. */
const MAX_SOCKETS = 256;

@Module({
  imports: [
    HttpModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        // Every new connection checks the addresses it resolves to, whatever the send-time check saw.
        const lookup = guardedLookup(new Set(config.outbound.allow.map(normalizeHost)));
        return {
          // Pushes go to a few endpoints over and over; reusing connections avoids a TLS handshake per push.
          httpAgent: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS, lookup }),
          httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS, lookup }),
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
