// /assets/password-feedback.js: live feedback on a new password as the user types (progressive
// enhancement: the forms work without it, and the server checks again on submit). It posts the
// candidate to /portal/api/password-check (same origin, JSON) and shows each policy's verdict
// with textContent only. It never logs, stores or echoes the password.
export const PASSWORD_FEEDBACK_JS = `'use strict';
(function () {
  var form = document.querySelector('form[data-password-check]');
  if (!form) return;
  var input = form.querySelector('input[data-password-input]');
  var out = document.getElementById('password-feedback');
  if (!input || !out) return;
  var tokenInput = form.querySelector('input[name="token"]');
  var timer = null;
  var seq = 0;

  function show(feedback) {
    var list = document.createElement('ul');
    feedback.checks.forEach(function (check) {
      var item = document.createElement('li');
      item.className = check.ok ? 'ok' : 'bad';
      item.textContent = check.label + ': ' + (check.ok ? 'meets the rules' : check.problems.join('; '));
      list.appendChild(item);
    });
    var summary = document.createElement('p');
    summary.textContent = feedback.ok ? 'This password meets every rule.' : 'This password does not meet every rule yet.';
    out.replaceChildren(summary, list);
  }

  function check() {
    var password = input.value;
    var mine = ++seq;
    if (password === '') { out.replaceChildren(); return; }
    var body = { password: password };
    if (tokenInput && tokenInput.value) body.token = tokenInput.value;
    fetch('/portal/api/password-check', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (feedback) {
      if (mine === seq && feedback && Array.isArray(feedback.checks)) show(feedback);
    }).catch(function () { /* the server checks again on submit */ });
  }

  input.addEventListener('input', function () {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
})();
`;
