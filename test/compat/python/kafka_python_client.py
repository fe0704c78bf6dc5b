"""kafka-python 2.0.2 against a Rivulet broker: admin calls, produce, consume, offset lookups.

Usage: python3 kafka_python_client.py BOOTSTRAP
Prints one JSON object with what each step observed; the TypeScript test asserts on it.
"""
import json
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions, NewTopic

bootstrap = sys.argv[1]
out = {}

admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="kafka-python-compat")
admin.create_topics([NewTopic("kp-topic", num_partitions=2, replication_factor=1,
                              topic_configs={"retention.ms": "3600000"})])
out["topics_after_create"] = sorted(admin.list_topics())

desc = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, "kp-topic")])
entries = {e[0]: e[1] for e in desc[0].resources[0][4]}
out["retention_ms"] = entries.get("retention.ms")
out["cleanup_policy"] = entries.get("cleanup.policy")

admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, "kp-topic", configs={"retention.ms": "7200000"})])
desc = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, "kp-topic")])
out["retention_ms_after_alter"] = {e[0]: e[1] for e in desc[0].resources[0][4]}.get("retention.ms")

admin.create_partitions({"kp-topic": NewPartitions(total_count=3)})

producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
before = int(time.time() * 1000)
for i in range(100):
    producer.send("kp-topic", key=b"k%d" % i, value=b"v%d" % i, partition=i % 3,
                  headers=[("n", str(i).encode())])
producer.flush()
producer.close()

consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                         consumer_timeout_ms=3000)
parts = [TopicPartition("kp-topic", p) for p in range(3)]
consumer.assign(parts)
consumer.seek_to_beginning()
seen = []
for msg in consumer:
    seen.append({"p": msg.partition, "o": msg.offset, "k": msg.key.decode(), "v": msg.value.decode(),
                 "h": [[h[0], h[1].decode()] for h in msg.headers]})
    if len(seen) == 100:
        break
out["consumed"] = sorted(seen, key=lambda m: int(m["k"][1:]))
out["end_offsets"] = {str(tp.partition): o for tp, o in consumer.end_offsets(parts).items()}
out["beginning_offsets"] = {str(tp.partition): o for tp, o in consumer.beginning_offsets(parts).items()}
times = consumer.offsets_for_times({parts[0]: before})
out["offset_for_time_p0"] = times[parts[0]].offset if times[parts[0]] else None
consumer.close()

admin.delete_topics(["kp-topic"])
out["topics_after_delete"] = sorted(admin.list_topics())
admin.close()
print(json.dumps(out))
