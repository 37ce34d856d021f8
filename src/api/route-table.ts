import type { Express } from 'express';
import type { Role } from '../../config/index.js';

/** One route the app serves and the role it needs (`open`: none). */
export interface RouteEntry {
  method: string;
  path: string;
  role: Role | 'open';
}

/** A handler that guards its route, or everything mounted after it on the same path, with a role. */
export type Guarded<F> = F & { role: Role };

/** Marks `fn` as the guard that requires `role`, so the route table can read it. */
export function guardedBy<F extends object>(fn: F, role: Role): Guarded<F> {
  return Object.assign(fn, { role });
}

/** Sub-apps (Express apps such as Bull Board's) mounted with `mountApp`, by the app they are mounted on. */
const subApps = new WeakMap<Express, Array<{ path: string; role: Role; app: Express }>>();

/**
 * Mounts a sub-app behind `guard`: the one way to mount an Express app in
 * ours, so that its routes appear in the route table (Express keeps no
 * reference from the parent's router to a mounted app).
 */
export function mountApp(app: Express, path: string, guard: Guarded<(...args: never[]) => unknown>, sub: Express): void {
  app.use(path, guard as never, sub);
  const list = subApps.get(app) ?? [];
  list.push({ path, role: guard.role, app: sub });
  subApps.set(app, list);
}

interface Layer {
  name?: string;
  rawPath?: string;
  handle: { role?: Role; stack?: Layer[]; router?: { stack?: Layer[] } };
  route?: { path: string | string[]; methods: Record<string, boolean>; stack: Layer[] };
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function stackOf(app: Express): Layer[] {
  return (app as unknown as { router: { stack: Layer[] } }).router.stack;
}

function walk(app: Express | null, stack: Layer[], prefix: string, inherited: Role | 'open', out: RouteEntry[]): void {
  const guardByPath = new Map<string, Role>();
  for (const layer of stack) {
    if (layer.name === 'mounted_app') {
      const sub = (app && subApps.get(app)?.find((s) => s.path === layer.rawPath)) || undefined;
      if (!sub) throw new Error(`route table: an Express app mounted at ${layer.rawPath} without mountApp`);
      walk(sub.app, stackOf(sub.app), join(prefix, sub.path), sub.role, out);
      continue;
    }
    if (layer.rawPath === undefined && !layer.route) throw new Error('route table: a layer without a path (has the router package changed?)');
    if (layer.route) {
      const guard = layer.route.stack.find((l) => l.handle.role)?.handle.role;
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        for (const method of Object.keys(layer.route.methods)) {
          if (method === '_all') continue;
          out.push({ method: method.toUpperCase(), path: join(prefix, path), role: guard ?? guardByPath.get(String(layer.rawPath)) ?? inherited });
        }
      }
      continue;
    }
    const at = String(layer.rawPath);
    if (layer.handle.role) guardByPath.set(at, layer.handle.role);
    const inner = layer.handle.stack ?? layer.handle.router?.stack;
    if (inner) walk(null, inner, join(prefix, at), guardByPath.get(at) ?? inherited, out);
  }
}

/**
 * Every route the Express app serves with the role it needs, read from the
 * app's own router (mounted routers, and sub-apps mounted with mountApp such as Bull Board):
 * a route's role is its guard's (requireRole), else the guard mounted ahead
 * of its router (requireBoardAccess), else `open`. The auth matrix test runs
 * every route of this table against every kind of caller.
 */
export function routeTable(app: Express): RouteEntry[] {
  const out: RouteEntry[] = [];
  walk(app, stackOf(app), '', 'open', out);
  return out;
}
