/**
 * What an agency can report about a record (反馈). Kept short on purpose: the free-text note carries the
 * detail, the action is what reports count.
 *   restriction_applied  the restriction in the domain is in force (e.g. the land sale or subsidy was refused)
 *   restriction_lifted   the agency lifted it after the record was revoked or narrowed
 *   no_matter_pending    nothing of the enterprise's is before the agency in that domain; it will apply when one is
 *   other                anything else, said in `note` (required then)
 */
export const FEEDBACK_ACTIONS = ['restriction_applied', 'restriction_lifted', 'no_matter_pending', 'other'] as const;
export type FeedbackAction = (typeof FEEDBACK_ACTIONS)[number];
