// The password feedback area shared by the activation and change-password forms: which policies
// apply, and after a refused submit (or live, by /assets/password-feedback.js) each one's verdict.
import type { PasswordFeedback } from '../../app/hostApp.js';
import type { VNode } from './html.js';
import { html } from './html.js';

export const FEEDBACK_ID = 'password-feedback';

/** The live password feedback script (an enhancement; the forms work without it). */
export const FEEDBACK_SCRIPT = '/assets/password-feedback.js';

export const PasswordRules = ({
  labels,
  feedback,
}: {
  readonly labels: ReadonlyArray<string>;
  readonly feedback?: PasswordFeedback | undefined;
}): VNode =>
  html`<div class="feedback">
    <p class="hint" id="password-rules">
      ${labels.length === 0 ? "The new password must meet the platform's rules." : `The new password must meet the rules of: ${labels.join(', ')}.`}
    </p>
    <div id=${FEEDBACK_ID} aria-live="polite">
      ${
        feedback === undefined
          ? null
          : html`<p>${feedback.ok ? 'This password meets every rule.' : 'This password does not meet every rule yet.'}</p>
        <ul>
          ${feedback.checks.map((c) => html`<li class=${c.ok ? 'ok' : 'bad'}>${c.label}: ${c.ok ? 'meets the rules' : c.problems.join('; ')}</li>`)}
        </ul>`
      }
    </div>
  </div>` as VNode;
