import { describe, expect, it } from 'vitest';
import { NotificationBus } from './bus.js';

describe('NotificationBus.close', () => {
  it('ends the streams open at shutdown and any that open afterwards', async () => {
    const bus = new NotificationBus();
    const ended: string[] = [];
    bus.onClose(() => ended.push('open before'));
    bus.close();
    expect(ended).toEqual(['open before']);
    // A subscription whose request was in flight when shutdown began.
    bus.onClose(() => ended.push('opened after'));
    await Promise.resolve();
    expect(ended).toEqual(['open before', 'opened after']);
  });
});
