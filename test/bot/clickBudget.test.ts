import assert from 'node:assert/strict';
import { ClickBudget } from '../../bot/clickBudget';

describe('ClickBudget', () => {
  it('stops the directory first, leaving time to deliver the password and to update the card', () => {
    const started = Date.now();
    const budget = ClickBudget.start(20_000);
    const directoryMs = budget.directory.deadline - started;
    assert.ok(directoryMs >= 14_900 && directoryMs <= 15_100, `directory deadline after ${directoryMs} ms`);
    assert.equal(budget.directory.signal.aborted, false);
    assert.equal(budget.final.aborted, false);
  });

  it('keeps a quarter of a short budget for what follows the directory', () => {
    const started = Date.now();
    const budget = ClickBudget.start(8_000);
    const directoryMs = budget.directory.deadline - started;
    assert.ok(directoryMs >= 5_900 && directoryMs <= 6_100);
  });

  it("answers the work's result when it finishes in time", async () => {
    assert.equal(await ClickBudget.start(1_000).race(Promise.resolve('done')), 'done');
  });

  it('answers nothing once the budget is spent, without waiting for the work', async () => {
    const budget = ClickBudget.start(200);
    const started = Date.now();
    assert.equal(await budget.race(new Promise(() => undefined)), undefined);
    const took = Date.now() - started;
    assert.ok(took >= 150 && took < 1_000, `gave up after ${took} ms`);
    assert.equal(budget.directory.signal.aborted, true);
    assert.equal(budget.final.aborted, true);
  });
});
