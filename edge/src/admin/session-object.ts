/**
 * The AdminSession Durable Object: one admin session (sessions.ts names it by the SHA-256 of the
 * session id). It holds one record, in the object's key-value storage rather than a SQL table: a
 * lookup of an id nobody was given must write nothing, and a migrated schema would be written on
 * first use. An alarm at the expiry erases it; `find` refuses it already from that instant.
 */
import { DurableObject } from 'cloudflare:workers';
import type { SessionInfo } from './sessions';

const RECORD_KEY = 'session';

export class AdminSession extends DurableObject<Env> {
  async start(session: SessionInfo): Promise<void> {
    await this.ctx.storage.put(RECORD_KEY, session);
    await this.ctx.storage.setAlarm(session.expiresAt);
  }

  async find(): Promise<SessionInfo | null> {
    const session = await this.ctx.storage.get<SessionInfo>(RECORD_KEY);
    if (!session || session.expiresAt <= Date.now()) return null;
    return session;
  }

  async end(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    await this.end();
  }
}
