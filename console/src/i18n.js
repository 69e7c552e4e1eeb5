// Labels in both languages side by side, so a missing translation shows up in review, not in production.
const L = {
  title: ['信用惩戒网关 · 运维控制台', 'Credit-sanction gateway · Operator console'],
  lang: ['语言', 'Language'],
  timesIn: ['时间均为 {zone}', 'Times in {zone}'],
  signedInAs: ['{name}（{role}）', '{name} ({role})'],
  signOut: ['退出', 'Sign out'],
  signIn: ['登录', 'Sign in'],
  signInHint: ['请输入运维或管理员 API 密钥。密钥只保存在本标签页的会话存储中，关闭标签页即失效。', 'Enter an operator or admin API key. It is kept in this tab’s session storage only and is gone when the tab closes.'],
  apiKey: ['API 密钥', 'API key'],
  badKey: ['密钥无效或已吊销。', 'Unknown or revoked key.'],
  wrongRole: ['该密钥的角色（{role}）不能使用控制台，需要运维或管理员密钥。', 'This key’s role ({role}) may not use the console; an operator or admin key is needed.'],
  sessionEnded: ['会话已失效，请重新登录。', 'Your session ended; please sign in again.'],
  settingsFailed: ['无法读取网关设置：{msg}', 'Could not read the gateway settings: {msg}'],
  navFailures: ['发送失败', 'Failed transmissions'],
  navTargets: ['目标健康', 'Targets'],
  navReconciliations: ['对账报告', 'Reconciliation'],
  navSweeps: ['期限扫描', 'Sweeps'],
  navAudit: ['审计记录', 'Audit trail'],
  navQueues: ['队列面板', 'Queues'],
  loading: ['加载中…', 'Loading…'],
  error: ['出错：{msg}', 'Error: {msg}'],
  none: ['没有记录。', 'Nothing here.'],
  confirm: ['确认', 'Confirm'],
  cancel: ['取消', 'Cancel'],
  close: ['关闭', 'Close'],
  apply: ['筛选', 'Apply'],
  reset: ['清除', 'Clear'],
  prev: ['上一页', 'Previous'],
  next: ['下一页', 'Next'],
  page: ['第 {n} 页', 'Page {n}'],
  refresh: ['刷新', 'Refresh'],
  // failures
  view: ['类别', 'Show'],
  viewFailed: ['重试中（failed）', 'Failing (failed)'],
  viewDead: ['已放弃（dead）', 'Dead'],
  viewStuck: ['滞留待发（pending）', 'Stuck pending'],
  viewProblems: ['失败与放弃', 'Failing and dead'],
  stuckMinutes: ['滞留超过（分钟）', 'Pending longer than (minutes)'],
  target: ['目标', 'Target'],
  anyTarget: ['全部目标', 'All targets'],
  platform: ['全国信用信息共享平台', 'National credit platform'],
  since: ['起始时间', 'From'],
  until: ['截止时间', 'To'],
  httpStatus: ['HTTP 状态', 'HTTP status'],
  errorText: ['错误包含', 'Error contains'],
  created: ['创建时间', 'Created'],
  record: ['记录', 'Record'],
  event: ['事件', 'Event'],
  status: ['状态', 'Status'],
  attempts: ['尝试次数', 'Attempts'],
  lastError: ['最近错误', 'Last error'],
  nextAttempt: ['下次尝试', 'Next attempt'],
  select: ['选择', 'Select'],
  selectAll: ['全选本页', 'Select all on this page'],
  retrySelected: ['重试所选（{n}）', 'Retry selected ({n})'],
  retryMatching: ['按筛选条件批量重试', 'Retry all matching'],
  bulkNotPending: ['批量重试只针对 failed、dead 和 cancelled；滞留的待发记录请逐条重试。', 'Bulk retry takes failed, dead and cancelled deliveries; retry stuck pending ones one by one.'],
  confirmRetrySelected: ['立即重新发送所选的 {n} 条记录？', 'Send the {n} selected deliveries again now?'],
  confirmRetryMatching: ['重新发送所有符合以下条件的记录？', 'Send every delivery matching this filter again?'],
  retriedSome: ['已安排重试 {ok} 条，{bad} 条未能重试。', '{ok} scheduled for retry, {bad} could not be retried.'],
  jobProgress: ['批量任务 {status}：{done} / {total}', 'Bulk job {status}: {done} / {total}'],
  // delivery
  delivery: ['发送记录', 'Delivery'],
  back: ['返回列表', 'Back to the list'],
  webhookId: ['webhook-id', 'webhook-id'],
  version: ['版本', 'Version'],
  deliveredAt: ['送达时间', 'Delivered'],
  finalReason: ['终止原因', 'Final reason'],
  retry: ['重试', 'Retry'],
  cancelDelivery: ['取消发送', 'Cancel delivery'],
  confirmRetry: ['立即重新发送这条记录（同一 webhook-id）？', 'Send this delivery again now (same webhook-id)?'],
  confirmCancel: ['停止发送这条记录？此操作不可撤销，原因会写入审计记录。', 'Stop sending this delivery for good? The reason goes into the audit trail.'],
  reason: ['原因', 'Reason'],
  retried: ['已安排重试。', 'Retry scheduled.'],
  cancelled: ['已取消。', 'Cancelled.'],
  attemptsTitle: ['发送尝试', 'Attempts'],
  at: ['时间', 'Time'],
  duration: ['耗时（毫秒）', 'Duration (ms)'],
  outcome: ['结果', 'Outcome'],
  response: ['响应片段', 'Response'],
  signedRecord: ['签名记录', 'Signed record'],
  jws: ['JWS（紧凑序列化）', 'JWS (compact)'],
  noRecord: ['找不到这条记录版本。', 'The record version cannot be found.'],
  // targets
  circuit: ['熔断状态', 'Circuit'],
  successRate: ['24 小时成功率', 'Success rate (24 h)'],
  oldestPending: ['最早待发', 'Oldest pending'],
  disabledSince: ['停用时间', 'Disabled since'],
  state: ['订阅状态', 'State'],
  failuresInRow: ['连续失败', 'Failures in a row'],
  enable: ['启用', 'Enable'],
  disable: ['停用', 'Disable'],
  confirmEnable: ['启用 {name} 的推送？', 'Enable pushes to {name}?'],
  confirmDisable: ['停用 {name} 的推送？', 'Disable pushes to {name}?'],
  adminOnly: ['启用或停用订阅需要管理员密钥，当前运维密钥无权执行。', 'Enabling or disabling a subscription needs an admin key; this operator key may not do it.'],
  adminOnlyHint: ['提示：启用或停用订阅需要管理员密钥。', 'Note: enabling or disabling a subscription needs an admin key.'],
  showFailures: ['查看失败', 'Failures'],
  stateChanged: ['{name} 已{state}。', '{name} is now {state}.'],
  // reconciliation
  runNow: ['立即执行', 'Run now'],
  confirmReconcile: ['立即与 {target} 对账？', 'Reconcile with {target} now?'],
  reconNotAvailable: ['对账报告暂不可用：{msg}', 'Reconciliation reports are not available: {msg}'],
  matched: ['一致', 'Matched'],
  missingRemote: ['对方缺失', 'Missing remotely'],
  staleRemote: ['对方过期', 'Stale remotely'],
  revokedLocally: ['本地已撤销', 'Revoked locally'],
  unknownRemote: ['对方多出', 'Unknown remotely'],
  report: ['报告', 'Report'],
  items: ['明细', 'Items'],
  // sweeps
  asOf: ['基准时间（可选；不晚于现在，预演除外）', 'As of (optional; not later than now unless a dry run)'],
  asOfColumn: ['基准时间', 'As of'],
  dryRun: ['预演（不写入任何数据）', 'Dry run (writes nothing)'],
  confirmSweep: ['立即执行期限扫描？到期的义务将发出告知或惩戒记录，日期均为今天。', 'Run the deadline sweep now? Overdue obligations will be notified or sanctioned, every act dated today.'],
  sweepDone: ['扫描完成：', 'Sweep finished: '],
  previewDone: ['预演结果（未写入）：', 'Dry run, nothing written: '],
  previewMore: ['仅显示前 {n} 项', 'Showing the first {n}'],
  action: ['动作', 'Action'],
  obligation: ['义务', 'Obligation'],
  started: ['开始', 'Started'],
  finished: ['结束', 'Finished'],
  trigger: ['触发方式', 'Trigger'],
  counts: ['计数', 'Counts'],
  // audit
  who: ['操作人', 'Who'],
  action: ['操作', 'Action'],
  subject: ['对象', 'Subject'],
  subjectType: ['对象类型', 'Subject type'],
  subjectId: ['对象 ID', 'Subject id'],
  before: ['之前', 'Before'],
  after: ['之后', 'After'],
  details: ['详情', 'Details'],
  // queues
  queuesHint: ['BullMQ 队列面板（只读）。重试和取消请在控制台中操作，以便写入审计记录。', 'The BullMQ dashboard (read-only). Retry and cancel through the console so that the audit trail records them.'],
  openNewTab: ['在新标签页打开', 'Open in a new tab'],
};

export const LANGS = [
  ['zh', '中文'],
  ['en', 'English'],
];

export function initialLang() {
  const saved = localStorage.getItem('console.lang');
  if (saved === 'zh' || saved === 'en') return saved;
  return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function saveLang(lang) {
  localStorage.setItem('console.lang', lang);
}

export function translator(lang) {
  const i = lang === 'zh' ? 0 : 1;
  return (key, vars = {}) => {
    const entry = L[key];
    const text = entry ? entry[i] : key;
    return text.replace(/\{(\w+)\}/g, (_, k) => (vars[k] === undefined ? `{${k}}` : String(vars[k])));
  };
}
