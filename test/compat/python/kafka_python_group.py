"""kafka-python 2.0.2 consumer group against a Rivulet broker: two members, manual commits.

Usage: python3 kafka_python_group.py BOOTSTRAP TOPIC
The first member consumes part of a 3-partition topic alone and commits; the second joins and
the partitions are shared; the first leaves and the second finishes. A third member started
afterwards must find every offset committed (it consumes nothing old). Prints one JSON object.
"""
import json
import sys
import threading
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

bootstrap, topic = sys.argv[1:3]
group = "kp-group"
PARTITIONS = 3
TOTAL = 300
out = {"consumed": {"a": [], "b": [], "c": []}, "assigned": {}}
lock = threading.Lock()

admin = KafkaAdminClient(bootstrap_servers=bootstrap)
admin.create_topics([NewTopic(topic, num_partitions=PARTITIONS, replication_factor=1)])
admin.close()
producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)


def produce(start, end):
    for i in range(start, end):
        producer.send(topic, key=b"k%d" % i, value=b"v%d" % i, partition=i % PARTITIONS)
    producer.flush()


produce(0, 150)


class Member(threading.Thread):
    """One consumer polling in its own thread: kafka-python's poll() blocks while the member
    joins, and a rebalance waits for every member to rejoin, so members cannot share a thread."""

    def __init__(self, name):
        super().__init__(daemon=True)
        self.name_ = name
        self.stopping = threading.Event()
        self.consumer = KafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            group_id=group,
            client_id="kp-" + name,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=6000,
            heartbeat_interval_ms=100,
            fetch_max_wait_ms=100,
            max_poll_records=20,
        )
        self.owned = []
        self.start()

    def run(self):
        c = self.consumer
        while not self.stopping.is_set():
            batches = c.poll(timeout_ms=50)
            for records in batches.values():
                for r in records:
                    with lock:
                        out["consumed"][self.name_].append([r.partition, r.offset, r.value.decode()])
            if batches:
                c.commit()
            self.owned = sorted(tp.partition for tp in c.assignment())

    def close(self):
        """Stops polling, then leaves the group (close sends LeaveGroup)."""
        self.stopping.set()
        self.join()
        self.consumer.close()


def wait_for(cond, what, seconds=30):
    deadline = time.time() + seconds
    while not cond():
        if time.time() > deadline:
            with lock:
                raise SystemExit("timed out waiting for %s: %s" % (what, json.dumps(out)))
        time.sleep(0.02)


def count(*names):
    with lock:
        return len({m[2] for n in names for m in out["consumed"][n]})


a = Member("a")
wait_for(lambda: count("a") >= 150, "a to consume the first records")
out["assigned"]["a_alone"] = a.owned
b = Member("b")
wait_for(lambda: b.owned and len(a.owned) + len(b.owned) == PARTITIONS, "sharing")
out["assigned"]["shared"] = [a.owned, b.owned]
produce(150, 240)
wait_for(lambda: count("a", "b") >= 240, "both members to consume")
a.close()
produce(240, TOTAL)
producer.close()
wait_for(lambda: b.owned == list(range(PARTITIONS)) and count("a", "b") >= TOTAL, "b to finish")
b.stopping.set()
b.join()
out["committed"] = {str(p): b.consumer.committed(TopicPartition(topic, p)) for p in range(PARTITIONS)}
b.consumer.close()

c = Member("c")
wait_for(lambda: c.owned == list(range(PARTITIONS)), "c to get every partition")
time.sleep(0.5)
c.close()
out["assigned"]["c"] = c.owned
print(json.dumps(out))
