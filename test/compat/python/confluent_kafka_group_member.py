"""One librdkafka (confluent-kafka 1.7) group member, for groups mixed with other clients.

Usage: python3 confluent_kafka_group_member.py BOOTSTRAP GROUP TOPIC STRATEGY
Consumes until its stdin closes, then closes the consumer (a final commit and LeaveGroup).
Prints one JSON line per event: {"event": "assign"|"revoke", "partitions": [...]} and
{"event": "record", "partition": p, "value": v}; {"event": "closed"} at the end.
"""
import json
import select
import sys

from confluent_kafka import Consumer

bootstrap, group, topic, strategy = sys.argv[1:5]


def say(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


consumer = Consumer({
    "bootstrap.servers": bootstrap,
    "group.id": group,
    "client.id": "librdkafka-member",
    "partition.assignment.strategy": strategy,
    "auto.offset.reset": "earliest",
    "session.timeout.ms": 6000,
    "heartbeat.interval.ms": 100,
    "auto.commit.interval.ms": 100,
    "fetch.wait.max.ms": 100,
})
consumer.subscribe(
    [topic],
    on_assign=lambda c, ps: say({"event": "assign", "partitions": sorted(p.partition for p in ps)}),
    on_revoke=lambda c, ps: say({"event": "revoke", "partitions": sorted(p.partition for p in ps)}),
)
while True:
    readable, _, _ = select.select([sys.stdin], [], [], 0)
    if readable and sys.stdin.read(1) == "":
        break
    msg = consumer.poll(0.05)
    if msg is None:
        continue
    if msg.error():
        say({"event": "error", "error": str(msg.error())})
        continue
    say({"event": "record", "partition": msg.partition(), "value": msg.value().decode()})
consumer.close()
say({"event": "closed"})
