// Every time is shown, and every time filter is read, in the jurisdiction's zone, whatever the browser's.

function parts(timeZone, ms) {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { y: p.year, m: p.month, d: p.day, h: p.hour === '24' ? '00' : p.hour, mi: p.minute, s: p.second };
}

function offsetMs(timeZone, ms) {
  const p = parts(timeZone, ms);
  return Date.UTC(+p.y, +p.m - 1, +p.d, +p.h, +p.mi, +p.s) - Math.floor(ms / 1000) * 1000;
}

function offsetLabel(off) {
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off) / 60000;
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function makeTime(timeZone, serverNowIso) {
  const skew = Date.parse(serverNowIso) - Date.now();
  const now = () => Date.now() + skew;
  return {
    timeZone,
    zoneLabel: `${timeZone} (UTC${offsetLabel(offsetMs(timeZone, now()))})`,
    /** The server's clock, so "older than" agrees with what the gateway calls now. */
    now,
    format(iso) {
      if (!iso) return '—';
      const p = parts(timeZone, Date.parse(iso));
      return `${p.y}-${p.m}-${p.d} ${p.h}:${p.mi}:${p.s}`;
    },
    /** A datetime-local value read as wall time in the zone, as an instant with its offset. */
    toInstant(local) {
      if (!local) return undefined;
      const [date, clock = '00:00'] = local.split('T');
      const [y, m, d] = date.split('-').map(Number);
      const [h, mi] = clock.split(':').map(Number);
      const wall = Date.UTC(y, m - 1, d, h, mi);
      let off = offsetMs(timeZone, wall);
      off = offsetMs(timeZone, wall - off);
      return `${date}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:00${offsetLabel(off)}`;
    },
  };
}
