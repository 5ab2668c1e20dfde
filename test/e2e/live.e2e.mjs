// A person watches a long run live: the lenses count up while the network trains, Pause hides
// itself once paused, Apply Trained Weights writes the numbers into the file and one undo takes
// them back, and a typo in the file stops Train Network with a message that says where.
//
// The scenario works on its own copy of the guide's tutorial, trained for far longer: the web
// workbench saves edits by itself after a second, and the other scenarios read tutorial.nnspec.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

export const title = 'watches a run live, pauses, applies the weights, undoes; a typo says where';

/** The step a weight's lens reports, e.g. 1532 for `Δw … · step 1,532`; undefined if none. */
async function lensStep(workbench) {
  const texts = await workbench.page
    .locator('.editor-group-container.active .codelens-decoration a').allInnerTexts();
  const weightLens = texts.find((text) => text.startsWith('Δw'));
  const match = weightLens?.match(/step ([\d,]+)/);
  return match ? Number(match[1].replaceAll(',', '')) : undefined;
}

/** Whether the command palette offers a command whose title contains `title`. */
async function paletteOffers(workbench, title) {
  const { page } = workbench;
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.waitForTimeout(800);
  const rows = await page.locator('.quick-input-widget .monaco-list-row', { hasText: title })
    .count();
  await page.keyboard.press('Escape');
  return rows > 0;
}

function statusBarItem(page, text) {
  return page.locator('.statusbar-item', { hasText: text }).first();
}

/** The workspace folder the workbench has open, read from its address. */
function workspaceFolder(page) {
  const folder = new URL(page.url()).searchParams.get('folder');
  assert.ok(folder, `no folder in ${page.url()}`);
  return folder;
}

/** Opens a workspace file through Quick Open, which searches the disk (the explorer may lag). */
async function quickOpen(page, name) {
  const input = page.locator('.quick-input-widget input.input');
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+P');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(name);
    try {
      await row.waitFor({ timeout: 3_000 });
      break;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (attempt === 5) throw error;
    }
  }
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 20_000 });
}

/** Puts the cursor at the end of a 1-based line through Go to Line. */
async function goToLineEnd(page, line) {
  await page.keyboard.press('Control+G');
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
}

export async function run(workbench, step) {
  const { page } = workbench;
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();

  await step('a copy of the tutorial, 1000 times longer, opens in the editor', async () => {
    const folder = workspaceFolder(page);
    const tutorial = fs.readFileSync(path.join(folder, 'tutorial.nnspec'), 'utf8');
    assert.match(tutorial, /epochs {5}3000\n/);
    fs.writeFileSync(path.join(folder, 'long-run.nnspec'),
      tutorial.replace(/epochs {5}3000\n/, 'epochs     3000000\n'));
    await quickOpen(page, 'long-run.nnspec');
    await workbench.waitForEditorText('3000000');
    await workbench.waitForLens('not trained yet');
  });

  await step('Train Network starts, and the lenses count the steps up', async () => {
    await workbench.runCommand('Backprop Lens: Train Network');
    await workbench.waitForLens('Δw', 30_000);
    const first = await lensStep(workbench);
    assert.ok(first !== undefined, 'no lens says which step it shows');
    // The lenses redraw a few times a second: within two seconds they show a later step.
    let later = first;
    for (let waited = 0; waited < 2000 && later === first; waited += 100) {
      await page.waitForTimeout(100);
      later = await lensStep(workbench);
    }
    assert.ok(later !== undefined && later > first, `the lenses stayed at step ${first}`);
  });
  await workbench.screenshot('training-live');

  await step('Pause Training pauses, and the palette then offers Resume, not Pause', async () => {
    await workbench.runCommand('Backprop Lens: Pause Training');
    await workbench.waitForLens('Resume');
    await statusBarItem(page, 'paused').waitFor({ timeout: 10_000 });
    assert.equal(await paletteOffers(workbench, 'Backprop Lens: Pause Training'), false);
    assert.equal(await paletteOffers(workbench, 'Backprop Lens: Resume Training'), true);
  });
  await workbench.screenshot('paused');

  await step('Apply Trained Weights writes new numbers; one undo restores 0.15', async () => {
    const step = await lensStep(workbench);
    await workbench.runCommand('Backprop Lens: Apply Trained Weights');
    await page.waitForFunction(() => {
      const lines = [...document.querySelectorAll('.editor-group-container.active .view-line')];
      const line = lines.find((candidate) => candidate.textContent?.includes('w_a:'));
      return line !== undefined && !line.textContent?.includes('0.15');
    }, undefined, { timeout: 10_000 });
    await workbench.screenshot('applied');
    assert.equal(await lensStep(workbench), step, 'applying moved the session on');
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+Z');
    await editor.locator('.view-line', { hasText: 'w_a:' }).filter({ hasText: '0.15' })
      .waitFor({ timeout: 10_000 });
  });

  await step('Stop Training ends the run', async () => {
    await workbench.runCommand('Backprop Lens: Stop Training');
    await statusBarItem(page, 'stopped').waitFor({ timeout: 10_000 });
    assert.equal(await paletteOffers(workbench, 'Backprop Lens: Stop Training'), false);
    await workbench.waitForLens('stopped', 10_000);
  });

  await step('a typo in the file stops Train Network with FILE:LINE:COL', async () => {
    await editor.locator('.view-lines').click();
    await goToLineEnd(page, 6);
    await page.keyboard.type('d');
    await workbench.waitForEditorText('sigmoidd');
    await workbench.waitForLens('file changed since', 10_000);
    await workbench.runCommand('Backprop Lens: Train Network');
    const toast = page.locator('.notifications-toasts', { hasText: 'long-run.nnspec:6:13' });
    await toast.waitFor({ timeout: 15_000 });
    assert.match(await toast.innerText(), /long-run\.nnspec:6:13: error: .*sigmoidd/);
  });
  await workbench.screenshot('typo-message');
}
