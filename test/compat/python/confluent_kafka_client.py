"""confluent-kafka 1.7 (librdkafka 2.0.2) against a Rivulet broker: admin, idempotent produce,
consume by assignment, offsets by timestamp, and the errors of bad admin requests.

Usage: python3 confluent_kafka_client.py BOOTSTRAP
Prints one JSON object with what each step observed; the TypeScript test asserts on it.
"""
import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

bootstrap = sys.argv[1]
out = {}


def error_name(future):
    try:
        future.result()
        return "NONE"
    except KafkaException as e:
        return e.args[0].name()


admin = AdminClient({"bootstrap.servers": bootstrap})
fs = admin.create_topics([NewTopic("ck-topic", 2, 1, config={"cleanup.policy": "compact,delete"})])
out["create"] = error_name(fs["ck-topic"])
fs = admin.create_topics([NewTopic("ck-validate", 1, 1)], validate_only=True)
out["validate_only"] = error_name(fs["ck-validate"])
fs = admin.create_topics([NewTopic("ck-topic", 1, 1)])
out["create_again"] = error_name(fs["ck-topic"])
fs = admin.create_topics([NewTopic("ck-bad-config", 1, 1, config={"retention.ms": "soon"})])
out["create_bad_config"] = error_name(fs["ck-bad-config"])
fs = admin.create_topics([NewTopic("ck-rf3", 1, 3)])
out["create_rf3"] = error_name(fs["ck-rf3"])
md = admin.list_topics(timeout=10)
out["topics"] = sorted(t for t in md.topics)
out["brokers"] = [[b.id, b.host, b.port] for b in md.brokers.values()]

res = ConfigResource(ConfigResource.Type.TOPIC, "ck-topic")
configs = admin.describe_configs([res])[res].result()
out["cleanup_policy"] = configs["cleanup.policy"].value
out["cleanup_policy_source"] = str(configs["cleanup.policy"].source)
out["segment_bytes_default"] = configs["segment.bytes"].is_default

alter = ConfigResource(ConfigResource.Type.TOPIC, "ck-topic", set_config={"retention.ms": "60000"})
out["alter"] = error_name(admin.alter_configs([alter])[alter])
configs = admin.describe_configs([res])[res].result()
out["retention_after_alter"] = configs["retention.ms"].value
bad = ConfigResource(ConfigResource.Type.TOPIC, "ck-topic", set_config={"no.such.key": "1"})
out["alter_unknown_key"] = error_name(admin.alter_configs([bad])[bad])

out["grow"] = error_name(admin.create_partitions([NewPartitions("ck-topic", 4)])["ck-topic"])
out["shrink"] = error_name(admin.create_partitions([NewPartitions("ck-topic", 2)])["ck-topic"])

producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 5})
delivered = []
for i in range(400):
    producer.produce("ck-topic", key=b"k%d" % i, value=b"v%d" % i, partition=i % 4,
                     headers=[("i", str(i).encode())],
                     on_delivery=lambda err, msg: delivered.append(err is None))
producer.flush(30)
out["delivered_ok"] = sum(delivered)

consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "ck-assign-only",
                     "enable.auto.commit": False, "auto.offset.reset": "earliest"})
consumer.assign([TopicPartition("ck-topic", p, OFFSET_BEGINNING) for p in range(4)])
seen = []
deadline = time.time() + 20
while len(seen) < 400 and time.time() < deadline:
    msg = consumer.poll(1.0)
    if msg is None or msg.error():
        continue
    seen.append([msg.partition(), msg.offset(), msg.key().decode(), msg.value().decode(),
                 msg.headers()[0][1].decode()])
out["consumed"] = sorted(seen, key=lambda m: int(m[2][1:]))
low, high = consumer.get_watermark_offsets(TopicPartition("ck-topic", 0), timeout=10)
out["watermarks_p0"] = [low, high]
found = consumer.offsets_for_times([TopicPartition("ck-topic", 1, 0)], timeout=10)
out["offset_for_time_p1"] = found[0].offset
consumer.close()

fs = admin.delete_topics(["ck-topic"])
out["delete"] = error_name(fs["ck-topic"])
fs = admin.delete_topics(["ck-never-existed"])
out["delete_missing"] = error_name(fs["ck-never-existed"])
print(json.dumps(out))
