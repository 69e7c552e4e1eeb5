import { buildGroups, totalsOf } from './summary';

describe('summary assembly', () => {
  const known = [
    { code: '441602', name: '源城区' },
    { code: '441621', name: '紫金县' },
  ];

  it('keeps every known group, in order, and appends codes found only in the data', () => {
    const groups = buildGroups(known, { stages: [{ key: 'OLD', stage: 'exited', n: 2 }], capacity: [], equipment: [], records: [], deliveries: [] });
    expect(groups.map((g) => [g.code, g.name])).toEqual([
      ['441602', '源城区'],
      ['441621', '紫金县'],
      ['OLD', 'OLD'],
    ]);
    expect(groups[0].obligations).toEqual({ rectification: 0, rectified: 0, exit_ordered: 0, notified: 0, sanctioned: 0, exited: 0 });
    expect(totalsOf(groups).obligations.exited).toBe(2);
  });

  it('counts failed and in-flight deliveries as still on the way', () => {
    const [g] = buildGroups(known, {
      stages: [],
      capacity: [],
      equipment: [],
      records: [],
      deliveries: [
        { key: '441602', status: 'pending', n: 1 },
        { key: '441602', status: 'failed', n: 2 },
        { key: '441602', status: 'in_flight', n: 4 },
        { key: '441602', status: 'dead', n: 8 },
      ],
    });
    expect(g.deliveries).toEqual({ delivered: 0, dead: 8, pending: 7, cancelled: 0 });
  });

  it('adds capacity per unit across groups without floating-point tails', () => {
    const groups = buildGroups(known, {
      stages: [],
      capacity: [
        { key: '441602', unit: '万吨/年', amount: '0.1' },
        { key: '441621', unit: '万吨/年', amount: '0.2' },
        { key: '441621', unit: 'MW', amount: '300' },
      ],
      equipment: [],
      records: [],
      deliveries: [],
    });
    expect(totalsOf(groups).capacityExited).toEqual([
      { unit: 'MW', amount: 300 },
      { unit: '万吨/年', amount: 0.3 },
    ]);
  });

  it('keeps capacity by equipment and line per group and adds the same equipment across groups in the totals', () => {
    const groups = buildGroups(known, {
      stages: [],
      capacity: [],
      equipment: [
        { key: '441602', equipment: '450m³高炉', line: '炼铁一号线', unit: '万吨/年', amount: '45' },
        { key: '441602', equipment: '40吨转炉', line: null, unit: '万吨/年', amount: '0.1' },
        { key: '441621', equipment: '40吨转炉', line: null, unit: '万吨/年', amount: '0.2' },
      ],
      records: [],
      deliveries: [],
    });
    expect(groups[0].equipmentExited).toEqual([
      { equipment: '450m³高炉', line: '炼铁一号线', unit: '万吨/年', amount: 45 },
      { equipment: '40吨转炉', line: null, unit: '万吨/年', amount: 0.1 },
    ]);
    expect(totalsOf(groups).equipmentExited).toEqual([
      { equipment: '40吨转炉', line: null, unit: '万吨/年', amount: 0.3 },
      { equipment: '450m³高炉', line: '炼铁一号线', unit: '万吨/年', amount: 45 },
    ]);
  });
});
