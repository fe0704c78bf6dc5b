"""confluent-kafka 1.7 (librdkafka 2.0.2) consumer groups against a Rivulet broker.

Usage: python3 confluent_kafka_group.py BOOTSTRAP TOPIC STRATEGY COMMIT
  STRATEGY: range | roundrobin | cooperative-sticky
  COMMIT:   manual (commit(asynchronous=False) after each message) | auto (enable.auto.commit)

Two members share a 4-partition topic: the first consumes 200 records alone, the second joins (a
rebalance: eager revokes everything, cooperative only what moves), both consume 200 more, then
the first closes (LeaveGroup) and the second takes everything over. Prints one JSON object with the
assignment events, what each member consumed, and the committed offsets; the TypeScript test
asserts on it.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

bootstrap, topic, strategy, commit_mode = sys.argv[1:5]
group = "ck-%s-%s" % (strategy, commit_mode)
PARTITIONS = 4
TOTAL = 400
out = {"events": [], "consumed": {"a": [], "b": []}, "errors": [], "commit_errors": []}

admin = AdminClient({"bootstrap.servers": bootstrap})
admin.create_topics([NewTopic(topic, PARTITIONS, 1)])[topic].result()
producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})


def produce(start, end):
    for i in range(start, end):
        producer.produce(topic, key=b"k%d" % i, value=b"v%d" % i, partition=i % PARTITIONS)
    producer.flush(30)


produce(0, TOTAL // 2)


def member(name):
    conf = {
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "client.id": "ck-" + name,
        "partition.assignment.strategy": strategy,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 6000,
        "heartbeat.interval.ms": 100,
        "enable.auto.commit": commit_mode == "auto",
        "auto.commit.interval.ms": 100,
        "fetch.wait.max.ms": 100,
    }
    c = Consumer(conf)

    def on_assign(consumer, partitions):
        out["events"].append([name, "assign", sorted(p.partition for p in partitions)])
        if strategy == "cooperative-sticky":
            consumer.incremental_assign(partitions)
        else:
            consumer.assign(partitions)

    def on_revoke(consumer, partitions):
        out["events"].append([name, "revoke", sorted(p.partition for p in partitions)])
        if strategy == "cooperative-sticky":
            consumer.incremental_unassign(partitions)
        else:
            consumer.unassign()

    c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
    return c


def poll(name, c, timeout=0.05):
    msg = c.poll(timeout)
    if msg is None:
        return
    if msg.error():
        out["errors"].append([name, str(msg.error())])
        return
    out["consumed"][name].append([msg.partition(), msg.offset(), msg.value().decode()])
    if commit_mode == "manual":
        try:
            c.commit(message=msg, asynchronous=False)
        except KafkaException as e:
            # A commit racing a rebalance (the group moved to a new generation while this one
            # was in flight) is refused, as Kafka refuses it; a later commit supersedes it.
            out["commit_errors"].append(e.args[0].name())


def owned(c):
    return sorted(p.partition for p in c.assignment())


def run_until(members, cond, what, seconds=30):
    deadline = time.time() + seconds
    while not cond():
        if time.time() > deadline:
            raise SystemExit("timed out waiting for %s: %s" % (what, json.dumps(out)))
        for name, c in members:
            poll(name, c)


total = lambda: len({m[2] for m in out["consumed"]["a"] + out["consumed"]["b"]})
# Rebalances happen while nothing is being consumed: a commit racing a rebalance is refused
# (ILLEGAL_GENERATION, as Kafka does), which librdkafka treats as a lost assignment and which
# would blur what the rebalance protocol itself did.
a = member("a")
run_until([("a", a)], lambda: total() >= TOTAL // 2, "a to consume the first half alone")
b = member("b")
run_until(
    [("a", a), ("b", b)],
    lambda: owned(a) and owned(b) and len(owned(a)) + len(owned(b)) == PARTITIONS,
    "the two members to share the partitions",
)
out["shared"] = {"a": owned(a), "b": owned(b)}
produce(TOTAL // 2, TOTAL)
run_until([("a", a), ("b", b)], lambda: total() >= TOTAL, "both members to consume the second half")
a.close()  # LeaveGroup: B takes every partition over
run_until([("b", b)], lambda: owned(b) == list(range(PARTITIONS)), "b to own everything")
if commit_mode == "auto":
    try:
        b.commit(asynchronous=False)
    except KafkaException as e:
        if e.args[0].code() != KafkaError._NO_OFFSET:  # auto-commit already stored everything
            raise
committed = b.committed([TopicPartition(topic, p) for p in range(PARTITIONS)], timeout=10)
out["committed"] = {str(tp.partition): tp.offset for tp in committed}
out["high"] = {str(p): b.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in range(PARTITIONS)}
b.close()
print(json.dumps(out))
