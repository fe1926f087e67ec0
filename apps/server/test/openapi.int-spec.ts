import {
  ApiRoutes,
  OpsRoutes,
  encodePayload,
  gatewayTopic,
  simStatusSchema,
  simTopic,
  type ClusterKpisResponse,
  type DailyHistoryResponse,
  type EnterpriseListResponse,
  type EnterpriseSummary,
  type IngestStats,
} from '@clusterpulse/contracts';
import type { MqttClient } from 'mqtt';
import type { RunningServer } from '../src/bootstrap';
import { CLUSTER, birth, closeClient, connect, connectGateway, freshDatabase, getJson, report, reportTopic, startServer, waitFor } from './harness';

// Real broker and database: on a loaded machine a flush and its acknowledgement can take seconds.
jest.setTimeout(30_000);

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  nullable?: boolean;
};
type OpenApiDocument = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }>; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
};

const TOKEN = 'openapi-test-token-42';

/** OpenAPI path of a contracts route: Nest writes `:id` as `{id}`. */
const openApiPath = (route: string) => route.replace(/:([A-Za-z]+)/g, '{$1}');

/**
 * Walks a real response and the documented schema side by side and lists every place where
 * they disagree: a field the API returns but the document does not name, a documented field it
 * does not return although it is required, or a value of another type.
 */
function mismatches(doc: OpenApiDocument, schema: Schema, value: unknown, at = '$'): string[] {
  const resolved = resolve(doc, schema);
  if (value === null) return resolved.nullable || schema.nullable ? [] : [`${at}: null but not nullable`];
  if (Array.isArray(value)) {
    if (resolved.type !== 'array' || !resolved.items) return [`${at}: array, documented as ${resolved.type}`];
    return value.flatMap((item, i) => mismatches(doc, resolved.items!, item, `${at}[${i}]`));
  }
  if (typeof value === 'object') {
    const documented = Object.keys(resolved.properties ?? {}).sort();
    const actual = Object.keys(value as object).sort();
    const out: string[] = [];
    for (const key of actual) if (!documented.includes(key)) out.push(`${at}.${key}: returned but not documented`);
    for (const key of documented) {
      if (!actual.includes(key)) {
        if (resolved.required?.includes(key)) out.push(`${at}.${key}: documented as required but not returned`);
        continue;
      }
      out.push(...mismatches(doc, resolved.properties![key], (value as Record<string, unknown>)[key], `${at}.${key}`));
    }
    return out;
  }
  const type = resolved.type === 'integer' ? 'number' : resolved.type;
  if (type && type !== typeof value) return [`${at}: ${typeof value}, documented as ${resolved.type}`];
  if (resolved.type === 'integer' && !Number.isInteger(value)) return [`${at}: ${String(value)} is documented as an integer`];
  return [];
}

function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  if (schema.$ref) return resolve(doc, doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
  if (schema.allOf?.length === 1) return { ...resolve(doc, schema.allOf[0]), nullable: schema.nullable };
  return schema;
}

describe('the OpenAPI document at /api/docs-json', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let server: RunningServer | undefined;
  let gateway: MqttClient | undefined;
  let tool: MqttClient | undefined;
  let doc: OpenApiDocument;
  const maker = { cluster: CLUSTER, enterprise: 'docs-maker', gateway: 'gw1' };
  const responseSchema = (route: string, method: string, status: string) => doc.paths[openApiPath(route)]?.[method]?.responses[status]?.content?.['application/json']?.schema;

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServer(db.url, { TRAINER_TOKEN: TOKEN });
    gateway = await connectGateway(server.mqttPort, maker);
    tool = await connect(server.mqttPort, { clientId: 'status-tool' });
    await gateway.publishAsync(gatewayTopic(maker, 'birth'), birth(0), { qos: 1 });
    await gateway.publishAsync(reportTopic(maker), report(1).payload, { qos: 1 });
    const status = { v: 1 as const, ts: Date.UTC(2020, 2, 2, 3), scenario: 'digital-2020' as const, seed: 1, speed: 60, paused: false, makers: 1, gatewaysConnected: 1 };
    await tool.publishAsync(simTopic(CLUSTER, 'status'), encodePayload(simStatusSchema, status), { qos: 1, retain: true });
    await waitFor(() => getJson<ClusterKpisResponse>(server!, ApiRoutes.kpis), (k) => k.ingest.accepted === 1 && k.sim !== null && k.oee !== null);
    doc = await getJson<OpenApiDocument>(server, `${OpsRoutes.apiDocs}-json`);
  });

  afterAll(async () => {
    await closeClient(gateway);
    await closeClient(tool);
    await server?.close();
    await db?.drop();
  });

  it('names the same top-level keys for the KPIs as the API returns', async () => {
    const kpis = await getJson<ClusterKpisResponse>(server!, ApiRoutes.kpis);
    const schema = resolve(doc, responseSchema(ApiRoutes.kpis, 'get', '200')!);
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(Object.keys(kpis).sort());
    expect([...(schema.required ?? [])].sort()).toEqual(Object.keys(kpis).sort());
  });

  it.each([
    ['KPIs', ApiRoutes.kpis],
    ['daily history', ApiRoutes.dailyHistory],
    ['ingest statistics', ApiRoutes.ingestStats],
    ['maker list', ApiRoutes.enterprises],
  ])('describes the %s response field by field, as returned', async (_what, route) => {
    const body = await getJson<ClusterKpisResponse | DailyHistoryResponse | IngestStats | EnterpriseListResponse>(server!, route);
    expect(mismatches(doc, responseSchema(route, 'get', '200')!, body)).toEqual([]);
  });

  it('would notice a field the document does not name, a missing one, or a wrong type', async () => {
    const { sim: _sim, ...kpis } = await getJson<ClusterKpisResponse>(server!, ApiRoutes.kpis);
    const schema = responseSchema(ApiRoutes.kpis, 'get', '200')!;
    expect(mismatches(doc, schema, { ...kpis, bonus: 1, sales: { ...kpis.sales, year: '2020' } })).toEqual([
      '$.bonus: returned but not documented',
      '$.sales.year: string, documented as integer',
      '$.sim: documented as required but not returned',
    ]);
  });

  it('describes one maker, and its 404', async () => {
    const body = await getJson<EnterpriseSummary>(server!, ApiRoutes.enterprise(maker.enterprise));
    const route = ApiRoutes.enterprise(':id').replace(encodeURIComponent(':id'), ':id');
    expect(mismatches(doc, responseSchema(route, 'get', '200')!, body)).toEqual([]);
    const missing = await fetch(`http://127.0.0.1:${server!.httpPort}${ApiRoutes.enterprise('nobody')}`);
    expect(missing.status).toBe(404);
    expect(mismatches(doc, responseSchema(route, 'get', '404')!, await missing.json())).toEqual([]);
  });

  it('documents the trainer command: its body is the SimControl schema, its answers as sent', async () => {
    const op = doc.paths[openApiPath(ApiRoutes.trainerCommand)].post;
    expect(op.requestBody?.content['application/json'].schema.oneOf?.length).toBe(6);
    const send = (authorization: string) =>
      fetch(`http://127.0.0.1:${server!.httpPort}${ApiRoutes.trainerCommand}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ v: 1, cmd: 'resume' }),
      });
    const ok = await send(`Bearer ${TOKEN}`);
    expect(ok.status).toBe(202);
    expect(mismatches(doc, responseSchema(ApiRoutes.trainerCommand, 'post', '202')!, await ok.json())).toEqual([]);
    const refused = await send('Bearer wrong-token-wrong');
    expect(refused.status).toBe(403);
    expect(mismatches(doc, responseSchema(ApiRoutes.trainerCommand, 'post', '403')!, await refused.json())).toEqual([]);
  });
});
