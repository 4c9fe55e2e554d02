// The official Firestore Node.js client, in REST mode, against `hearth serve`
// (FIRESTORE_EMULATOR_HOST names it). Each check states what a Firestore user
// expects; the first that fails ends the run with exit status 1.
//
// REST mode needs an auth client to start (googleapis/nodejs-firestore#1811):
// PassThroughClient adds no header, so the client's own "Bearer owner" goes.
'use strict';
const assert = require('node:assert/strict');
const { AggregateField, Firestore, FieldValue, Timestamp } = require('@google-cloud/firestore');
const { PassThroughClient } = require('google-auth-library');

const checks = [];
const check = (name, fn) => checks.push([name, fn]);

const db = new Firestore({ projectId: 'compat', preferRest: true, authClient: new PassThroughClient() });
const created = new Date('2026-01-01T00:00:00Z');

check('set then get returns every type as written', async () => {
  await db.doc('monitors/m1').set({
    user_id: 'u1', status: 'active', company: 'Acme', created_at: created, score: 3, ratio: 0.5, ok: true,
    nothing: null, tags: ['a', 'b'], config: { frequency: 'daily', threshold: 0.7 },
  });
  const snap = await db.doc('monitors/m1').get();
  assert.equal(snap.exists, true);
  assert.equal(snap.get('company'), 'Acme');
  assert.equal(snap.get('score'), 3);
  assert.equal(snap.get('ratio'), 0.5);
  assert.equal(snap.get('ok'), true);
  assert.equal(snap.get('nothing'), null);
  assert.deepEqual(snap.get('tags'), ['a', 'b']);
  assert.equal(snap.get('config.threshold'), 0.7);
  assert.equal(snap.get('created_at').toMillis(), created.getTime());
  assert.ok(snap.createTime instanceof Timestamp && snap.updateTime instanceof Timestamp);
});

check('update changes one nested field and keeps the rest', async () => {
  await db.doc('monitors/m1').update({ 'config.frequency': 'hourly' });
  const snap = await db.doc('monitors/m1').get();
  assert.deepEqual(snap.get('config'), { frequency: 'hourly', threshold: 0.7 });
  assert.equal(snap.get('company'), 'Acme');
});

check('update of a missing document fails with NOT_FOUND', async () => {
  await assert.rejects(db.doc('monitors/none').update({ status: 'x' }), (e) => /NOT_FOUND|404/.test(`${e.code} ${e.message}`));
});

check('set with merge creates, then merges', async () => {
  await db.doc('monitors/m2').set({ user_id: 'u1', status: 'paused', created_at: created }, { merge: true });
  await db.doc('monitors/m2').set({ company: 'Beta' }, { merge: true });
  const snap = await db.doc('monitors/m2').get();
  assert.equal(snap.get('status'), 'paused');
  assert.equal(snap.get('company'), 'Beta');
});

check('create of an existing document fails with ALREADY_EXISTS and writes nothing', async () => {
  await assert.rejects(db.doc('monitors/m1').create({ user_id: 'u9' }),
                       (e) => /ALREADY_EXISTS|409|\b6\b/.test(`${e.code} ${e.message}`));
  assert.equal((await db.doc('monitors/m1').get()).get('user_id'), 'u1');
});

check('a batch commits atomically', async () => {
  const batch = db.batch();
  for (let h = 0; h < 5; h++) {
    const t = new Date(created.getTime() + h * 3600e3);
    batch.set(db.doc(`snapshots/m1_${t.getTime() / 1000}`), { monitor_id: 'm1', timestamp: t, n: h });
  }
  batch.set(db.doc('snapshots/m2_1767225600'), { monitor_id: 'm2', timestamp: created, n: 100 });
  batch.delete(db.doc('monitors/m2'));
  await batch.commit();
  assert.equal((await db.doc('monitors/m2').get()).exists, false);
  const failing = db.batch();
  failing.set(db.doc('monitors/m3'), { user_id: 'u3', status: 'active', created_at: created });
  failing.create(db.doc('monitors/m1'), { user_id: 'u9' });
  await assert.rejects(failing.commit());
  assert.equal((await db.doc('monitors/m3').get()).exists, false);
});

check("a query on the snapshots' composite index answers newest first", async () => {
  const q = await db.collection('snapshots').where('monitor_id', '==', 'm1').orderBy('timestamp', 'desc').limit(2).get();
  assert.deepEqual(q.docs.map((d) => d.get('n')), [4, 3]);
  const range = await db.collection('snapshots').where('monitor_id', '==', 'm1')
    .where('timestamp', '>=', new Date(created.getTime() + 3600e3)).where('timestamp', '<', new Date(created.getTime() + 3 * 3600e3))
    .orderBy('timestamp').get();
  assert.deepEqual(range.docs.map((d) => d.get('n')), [1, 2]);
});

check('a query with equality filters and an order on a composite index', async () => {
  await db.doc('monitors/m4').set({ user_id: 'u1', status: 'active', created_at: new Date('2026-02-01T00:00:00Z') });
  const q = await db.collection('monitors').where('user_id', '==', 'u1').where('status', '==', 'active')
    .orderBy('created_at', 'desc').get();
  assert.deepEqual(q.docs.map((d) => d.id), ['m4', 'm1']);
});

check('a query without its index fails with FAILED_PRECONDITION', async () => {
  await assert.rejects(db.collection('monitors').where('company', '==', 'Acme').orderBy('score').get(),
                       (e) => /FAILED_PRECONDITION|requires an index|\b9\b|400/.test(`${e.code} ${e.message}`));
});

check('cursors page through a query', async () => {
  const first = await db.collection('snapshots').where('monitor_id', '==', 'm1').orderBy('timestamp').limit(2).get();
  const next = await db.collection('snapshots').where('monitor_id', '==', 'm1').orderBy('timestamp')
    .startAfter(first.docs[1]).limit(2).get();
  assert.deepEqual(next.docs.map((d) => d.get('n')), [2, 3]);
});

check('getAll answers found and missing documents in order', async () => {
  const [a, b] = await db.getAll(db.doc('monitors/none'), db.doc('monitors/m1'));
  assert.equal(a.exists, false);
  assert.equal(b.exists, true);
});

check('count, sum and average of a query', async () => {
  // Ordered by time: the domain exempts monitor_id from single-field indexing,
  // so the composite (monitor_id, timestamp) index serves the query.
  const q = db.collection('snapshots').where('monitor_id', '==', 'm1').orderBy('timestamp');
  assert.equal((await q.count().get()).data().count, 5);
  const agg = await q.aggregate({ total: AggregateField.sum('n'), mean: AggregateField.average('n') }).get();
  assert.deepEqual(agg.data(), { total: 10, mean: 2 });
});

check('field transforms: server timestamp, increment, array union and removal', async () => {
  const ref = db.doc('reports/t1');
  await ref.set({ created_at: created, n: 1, tags: ['a', 'b'], at: FieldValue.serverTimestamp() });
  await ref.update({ n: FieldValue.increment(2), tags: FieldValue.arrayUnion('b', 'c'), seen: FieldValue.serverTimestamp() });
  await ref.update({ tags: FieldValue.arrayRemove('a'), n: FieldValue.increment(0.5) });
  const snap = await ref.get();
  assert.equal(snap.get('n'), 3.5);
  assert.deepEqual(snap.get('tags'), ['b', 'c']);
  assert.ok(snap.get('at') instanceof Timestamp);
  assert.ok(snap.get('seen').toMillis() >= snap.get('at').toMillis());
  assert.ok(snap.get('seen').toMillis() <= snap.updateTime.toMillis());
});

check('preconditions: lastUpdateTime and exists', async () => {
  const ref = db.doc('reports/p1');
  const written = await ref.set({ created_at: created, v: 1 });
  await ref.set({ created_at: created, v: 2 });
  await assert.rejects(ref.update({ v: 3 }, { lastUpdateTime: written.writeTime }),
                       (e) => /FAILED_PRECONDITION|400|\b9\b/.test(`${e.code} ${e.message}`));
  const now = (await ref.get()).updateTime;
  await ref.update({ v: 4 }, { lastUpdateTime: now });
  assert.equal((await ref.get()).get('v'), 4);
  await assert.rejects(db.doc('reports/none').delete({ exists: true }),
                       (e) => /NOT_FOUND|404|\b5\b/.test(`${e.code} ${e.message}`));
});

check('a transaction reads and writes atomically', async () => {
  const ref = db.doc('reports/counter');
  await ref.set({ created_at: created, n: 0 });
  for (let i = 0; i < 3; i++) {
    await db.runTransaction(async (t) => {
      const snap = await t.get(ref);
      t.update(ref, { n: snap.get('n') + 1 });
    });
  }
  assert.equal((await ref.get()).get('n'), 3);
  // A query inside a transaction, then a write based on it.
  const total = await db.runTransaction(async (t) => {
    const q = await t.get(db.collection('snapshots').where('monitor_id', '==', 'm1').orderBy('timestamp'));
    t.set(db.doc('reports/sum'), { created_at: created, docs: q.size });
    return q.size;
  });
  assert.equal((await db.doc('reports/sum').get()).get('docs'), total);
});

check('a transaction whose read changed meanwhile fails with ABORTED and writes nothing', async () => {
  // One attempt: this client waits up to a minute before retrying after a
  // REST 409 (its backoff for contention), which a test need not sit through.
  const ref = db.doc('reports/contended');
  await ref.set({ created_at: created, n: 1 });
  await assert.rejects(db.runTransaction(async (t) => {
    const snap = await t.get(ref);
    await ref.set({ created_at: created, n: 100 });  // another writer, between the read and the commit
    t.update(ref, { n: snap.get('n') + 1 });
    t.set(db.doc('reports/side'), { created_at: created });
  }, { maxAttempts: 1 }), (e) => /ABORTED|409|\b10\b/.test(`${e.code} ${e.message}`));
  assert.equal((await ref.get()).get('n'), 100);
  assert.equal((await db.doc('reports/side').get()).exists, false);
});

check('listCollections names the collections at the root and under a document', async () => {
  await db.doc('monitors/m1/alerts/a1').set({ created_at: created, text: 'x' });
  const root = (await db.listCollections()).map((c) => c.id);
  for (const id of ['monitors', 'reports', 'snapshots']) assert.ok(root.includes(id), `${id} in ${root}`);
  assert.ok(!root.includes('alerts'), `${root}`);
  assert.deepEqual((await db.doc('monitors/m1').listCollections()).map((c) => c.id), ['alerts']);
});

check('BulkWriter writes each document', async () => {
  const writer = db.bulkWriter();
  for (let i = 0; i < 20; i++) writer.set(db.doc(`reports/r${i}`), { created_at: created, i });
  await writer.close();
  assert.equal((await db.doc('reports/r19').get()).get('i'), 19);
});

check('delete removes the document', async () => {
  await db.doc('monitors/m4').delete();
  assert.equal((await db.doc('monitors/m4').get()).exists, false);
});

(async () => {
  let passed = 0;
  for (const [name, fn] of checks) {
    const started = Date.now();
    try {
      await fn();
      passed++;
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      console.log(`FAIL ${name}\n     ${e && e.stack ? e.stack.split('\n').slice(0, 6).join('\n     ') : e}`);
      console.log(`${passed} passed, 1 failed`);
      process.exit(1);
    }
  }
  console.log(`official client: ${passed} passed, 0 failed`);
  await db.terminate();
})();
