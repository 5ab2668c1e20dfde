// A person trains the guide's network: the lenses say "not trained yet", Train Network runs from
// the command palette, the lenses over the weights then show each weight's last update, the
// status bar says how the run ended, and a click on a weight's lens opens the training panel
// with that weight selected.
import assert from 'node:assert/strict';

export const title = 'trains tutorial.nnspec from the palette; lenses and panel show the result';

/** A lens over a weight after training: `Δw −1.23e−3 · ∂E/∂w 2.46e−3 · step 48,000`. */
const trainedLens = /^Δw \S+ · ∂E\/∂w \S+ · step 48,000$/;

export async function run(workbench, step) {
  const { page } = workbench;

  await step('editor shows tutorial.nnspec', async () => {
    // Every weight line must be on screen for its lens to be drawn.
    await workbench.hidePanel();
    await workbench.openFile('tutorial.nnspec');
    await workbench.waitForEditorText('network tutorial');
  });

  await step('lenses show the file\'s weights, not trained yet', async () => {
    await workbench.waitForLens('▶ Train');
    await workbench.waitForLens('w 0.15 · not trained yet');
    await workbench.waitForLens('w −0.27 · not trained yet');
  });
  await workbench.screenshot('before-training');

  await step('Train Network runs from the command palette', async () => {
    await workbench.runCommand('Backprop Lens: Train Network');
  });

  await step('status bar shows the finished run', async () => {
    const item = page.locator('.statusbar-item', { hasText: 'finished' }).first();
    await item.waitFor({ timeout: 60_000 });
    const text = await item.innerText();
    assert.match(text, /step 48,000 · loss \S+ · finished/);
  });

  let lensTexts = [];
  await step('each weight line has a lens with its last update', async () => {
    await workbench.waitForLens('step 48,000');
    const editor = page.locator('.editor-group-container.active .monaco-editor').first();
    const lenses = editor.locator('.codelens-decoration a');
    await page.waitForFunction(() => [...document.querySelectorAll(
      '.editor-group-container.active .codelens-decoration a')]
      .filter((lens) => /^Δw /.test(lens.textContent ?? '')).length === 7, undefined,
    { timeout: 20_000 });
    lensTexts = (await lenses.allInnerTexts()).map((text) => text.trim())
      .filter((text) => text.startsWith('Δw'));
    assert.equal(lensTexts.length, 7, `weight lenses: ${lensTexts.join(' | ')}`);
    for (const text of lensTexts) assert.match(text, trainedLens);
  });
  await workbench.screenshot('after-training');

  await step('a click on the lens over w_a shows it in the training panel', async () => {
    await page.locator('.editor-group-container .codelens-decoration a', { hasText: lensTexts[0] })
      .first().click();
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await panel.locator('#weight-name', { hasText: 'w_a: x -> h[1]' }).waitFor({ timeout: 30_000 });
    await panel.locator('#session-state', { hasText: 'finished' }).waitFor({ timeout: 10_000 });
    const delta = (await panel.locator('#weight-delta').innerText()).trim();
    assert.equal(`Δw ${delta}`, lensTexts[0].split(' · ')[0]);
    assert.equal((await panel.locator('#weight-step').innerText()).trim(), '48,000');
    assert.equal(await panel.locator('#chart-empty').isHidden(), true);
  });
  await workbench.screenshot('panel-selected-weight');
}
