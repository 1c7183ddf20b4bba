// The real `ticketledger serve` as a child process on a free loopback port, with a fresh data
// directory and a token file made by `ticketledger token` (one token per role).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const kActors = { admin: 'root', importer: 'importer', reader: 'rita', auditor: 'audrey' };

export class Server {
  constructor(binary) {
    this.binary = binary;
    this.dir = mkdtempSync(join(tmpdir(), 'tl-web-'));
    this.tokens = {};
    this.process = null;
    this.url = '';
    this.stderr = '';
  }

  async start() {
    const lines = [];
    for (const [role, actor] of Object.entries(kActors)) {
      const out = execFileSync(this.binary, ['token', '--role', role, '--actor', actor, '--quiet'],
                               { encoding: 'utf8' }).trim().split('\n');
      this.tokens[role] = out[0];
      lines.push(out[1]);
    }
    writeFileSync(join(this.dir, 'tokens'), lines.join('\n') + '\n');
    const urlFile = join(this.dir, 'url');
    this.process = spawn(this.binary, [
      'serve', '--data', join(this.dir, 'data'), '--tokens', join(this.dir, 'tokens'),
      '--listen', '127.0.0.1:0', '--url-file', urlFile, '--threads', '2', '--no-access-log',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process.stderr.on('data', (chunk) => { this.stderr += chunk; });
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.exited = exited;
    for (let i = 0; i < 300; i += 1) {
      if (this.process.exitCode !== null) {
        throw new Error(`ticketledger serve exited with ${this.process.exitCode}: ${this.stderr}`);
      }
      if (existsSync(urlFile)) {
        this.url = readFileSync(urlFile, 'utf8').trim();
        const ready = await fetch(`${this.url}/readyz`).then((r) => r.ok, () => false);
        if (ready) return;
      }
      await sleep(100);
    }
    throw new Error(`ticketledger serve did not become ready: ${this.stderr}`);
  }

  // SIGTERM (graceful shutdown), then waits for the exit; returns the exit code.
  async stop() {
    if (this.process && this.process.exitCode === null) {
      this.process.kill('SIGTERM');
      await this.exited;
    }
    const code = this.process ? this.process.exitCode : 0;
    rmSync(this.dir, { recursive: true, force: true });
    return code;
  }
}

// A small JSON client of the API with one role's token.
export class Client {
  constructor(url, token) {
    this.url = url;
    this.token = token;
  }

  async request(method, path, body) {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: response.status, json, text };
  }

  // GET, failing unless 200.
  async get(path, params = {}) {
    const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' &&
                                                                      v !== undefined));
    const full = query.toString() ? `${path}?${query}` : path;
    const r = await this.request('GET', full);
    if (r.status !== 200) throw new Error(`GET ${full}: ${r.status} ${r.text}`);
    return r.json;
  }

  // A write, failing unless 200/201.
  async write(method, path, body) {
    const r = await this.request(method, path, body);
    if (r.status !== 200 && r.status !== 201) {
      throw new Error(`${method} ${path} ${JSON.stringify(body)}: ${r.status} ${r.text}`);
    }
    return r.json;
  }
}
