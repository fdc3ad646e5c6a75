import assert from 'node:assert/strict';
import { type Activity, TestAdapter, type TurnContext } from 'botbuilder';
import pino from 'pino';
import { TenantGuard, tenantAccepted } from '../../bot/tenantGuard';
import { TENANT_ID } from '../support/teamsActivities';

describe('TenantGuard', () => {
  function adapterWith(onTurn: (context: TurnContext) => void): TestAdapter {
    const adapter = new TestAdapter((context) => Promise.resolve(onTurn(context)));
    adapter.use(new TenantGuard(TENANT_ID, pino({ level: 'silent' })));
    return adapter;
  }

  it('lets activities of its own tenant through, whatever the case of the id', async () => {
    let turns = 0;
    let accepted = false;
    const adapter = adapterWith((context) => {
      turns++;
      accepted = tenantAccepted(context);
    });
    await adapter.processActivity({
      type: 'message',
      text: 'hi',
      channelData: { tenant: { id: TENANT_ID.toUpperCase() } },
      conversation: { id: 'x', isGroup: false, conversationType: 'personal', name: '' },
    });
    assert.equal(turns, 1);
    assert.equal(accepted, true, 'the turn is marked as accepted');
  });

  it('stops a message from another tenant without a reply: its conversation is a stranger’s', async () => {
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
    assert.deepEqual(adapter.activeQueue, []);
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

  const oddTenants: Array<[string, Partial<Activity>]> = [
    ['a number', { channelData: { tenant: { id: 42 } } }],
    ['an object', { channelData: { tenant: { id: { id: TENANT_ID } } } }],
    ['an array', { channelData: { tenant: { id: [TENANT_ID] } } }],
    ['null', { channelData: { tenant: null } }],
    ['channelData of the wrong type', { channelData: 'tenant' }],
    ['a conversation tenant of the wrong type', { conversation: { tenantId: 7 } as never }],
    ['our id with extra text', { channelData: { tenant: { id: `${TENANT_ID} ` } } }],
  ];
  for (const [name, fields] of oddTenants) {
    it(`treats a tenant id that is ${name} as another tenant's, without throwing`, async () => {
      let turns = 0;
      const adapter = adapterWith(() => turns++);
      for (const type of ['message', 'invoke']) {
        await adapter.processActivity({
          type,
          text: 'reset megan',
          conversation: { id: 'x', isGroup: false, conversationType: 'personal', name: '' },
          ...fields,
        });
      }
      assert.equal(turns, 0);
      assert.deepEqual(
        adapter.activeQueue.map((activity) => activity.type),
        ['invokeResponse'],
        'only the invoke is answered (403), in its HTTP response',
      );
    });
  }
});
