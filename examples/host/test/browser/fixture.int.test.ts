// The browser fixture itself: chromium starts, steps leave screenshots, a failed step leaves one
// too, and a context with JavaScript disabled runs no script.
import { existsSync, readdirSync } from 'node:fs';
import { currentTestName, describeBrowser, openWalk } from './support/browser.js';

describeBrowser('browser fixture', (browser) => {
  it('screenshots each step and a failed one', async () => {
    const walk = await openWalk(browser(), currentTestName());
    try {
      await walk.step('a page', async () => {
        await walk.page.setContent('<main><h1>Hello</h1><button type="button">Go</button></main>');
        expect(await walk.page.getByRole('button', { name: 'Go' }).count()).toBe(1);
      });
      await expect(walk.step('a failing step', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    } finally {
      await walk.close();
    }
    expect(readdirSync(walk.dir).sort()).toEqual(['01-a-page.png', '02-a-failing-step-failed.png', '03-end.png', 'steps.txt']);
  }, 60_000);

  it('runs no script when JavaScript is disabled', async () => {
    const walk = await openWalk(browser(), currentTestName(), { javaScriptEnabled: false });
    try {
      await walk.step('static page', async () => {
        await walk.page.setContent('<p id="p">static</p><script>document.getElementById("p").textContent = "scripted"</script>');
        expect(await walk.page.locator('#p').textContent()).toBe('static');
      });
    } finally {
      await walk.close();
    }
    expect(existsSync(walk.dir)).toBe(true);
  }, 60_000);
});
