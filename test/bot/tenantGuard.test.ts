import assert from 'node:assert/strict';
import { TestAdapter } from 'botbuilder';
import pino from 'pino';
import { TenantGuard } from '../../bot/tenantGuard';
import { TENANT_ID } from '../support/teamsActivities';

describe('TenantGuard', () => {
  function adapterWith(onTurn: () => void): TestAdapter {
    const adapter = new TestAdapter(() => Promise.resolve(onTurn()));
    adapter.use(new TenantGuard(TENANT_ID, pino({ level: 'silent' })));
    return adapter;
  }

  it('lets activities of its own tenant through, whatever the case of the id', async () => {
    let turns = 0;
    const adapter = adapterWith(() => turns++);
    await adapter.processActivity({
      type: 'message',
      text: 'hi',
      channelData: { tenant: { id: TENANT_ID.toUpperCase() } },
      conversation: { id: 'x', isGroup: false, conversationType: 'personal', name: '' },
    });
    assert.equal(turns, 1);
  });

  it('stops a message from another tenant with a short reply', async () => {
    let turns = 0;
    const adapter = adapterWith(() => turns++);
    await adapter.processActivity({
      type: 'message',
      text: 'reset megan',
      channelData: { tenant: { id: '00000000-0000-4000-8000-000000000000' } },
      conversation: {
        id: 'x',
        isGroup: false,
        conversationType: 'personal',
        name: '',
        tenantId: '00000000-0000-4000-8000-000000000000',
      },
    });
    assert.equal(turns, 0);
    assert.match(String(adapter.activeQueue[0]?.text), /only its own organization/);
  });

  it('answers a card click from another tenant with 403', async () => {
    let turns = 0;
    const adapter = adapterWith(() => turns++);
    await adapter.processActivity({
      type: 'invoke',
      name: 'adaptiveCard/action',
      channelData: { tenant: { id: 'evil' } },
      conversation: { id: 'x', isGroup: false, conversationType: 'personal', name: '' },
    });
    assert.equal(turns, 0);
    assert.deepEqual(adapter.activeQueue[0]?.value, { status: 403 });
  });

  it('stops an activity that names no tenant at all', async () => {
    let turns = 0;
    const adapter = adapterWith(() => turns++);
    await adapter.processActivity({
      type: 'message',
      text: 'hi',
      conversation: { id: 'x', isGroup: false, name: '', conversationType: 'personal' },
    });
    assert.equal(turns, 0);
  });
});
