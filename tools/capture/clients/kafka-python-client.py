#!/usr/bin/python3
"""Drives kafka-python for the golden-frame capture (tools/capture/capture.ts runs it).

argv[1] is a JSON job: {"mode": "produce" | "consume", "bootstrap", "clientId", "topic", ...},
built from test/golden/scenario.ts. Produce sends the planned records and exits; consume joins
the group and polls until the capture script has seen its Fetch and kills it.
"""
import json
import sys

from kafka import KafkaConsumer, KafkaProducer
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from kafka.coordinator.assignors.sticky.sticky_assignor import StickyPartitionAssignor

ASSIGNORS = {a.name: a for a in (RangePartitionAssignor, RoundRobinPartitionAssignor,
                                 StickyPartitionAssignor)}


def utf8(s):
    return None if s is None else s.encode('utf-8')


def produce(job):
    producer = KafkaProducer(
        bootstrap_servers=job['bootstrap'],
        client_id=job['clientId'],
        acks=job['acks'],
        compression_type=None if job['codec'] == 'none' else job['codec'],
        request_timeout_ms=job['timeoutMs'],
        # One batch for all records: they are sent before the linger expires.
        linger_ms=200,
        retries=0,
    )
    for r in job['records']:
        producer.send(job['topic'], key=utf8(r['key']), value=utf8(r['value']),
                      headers=[(k, utf8(v)) for k, v in r['headers']],
                      partition=job['partition'], timestamp_ms=r['timestamp'])
    producer.flush(timeout=20)
    producer.close(timeout=5)


def consume(job):
    c = job['consumer']
    consumer = KafkaConsumer(
        job['topic'],
        bootstrap_servers=job['bootstrap'],
        client_id=job['clientId'],
        group_id=c['groupId'],
        session_timeout_ms=c['sessionTimeoutMs'],
        max_poll_interval_ms=c['rebalanceTimeoutMs'],
        fetch_max_wait_ms=c['maxWaitMs'],
        fetch_min_bytes=c['minBytes'],
        fetch_max_bytes=c['maxBytes'],
        max_partition_fetch_bytes=c['partitionMaxBytes'],
        partition_assignment_strategy=[ASSIGNORS[name] for name in c['assignors']],
        auto_offset_reset='earliest',
        enable_auto_commit=False,
    )
    while True:
        consumer.poll(timeout_ms=1000)


def main():
    job = json.loads(sys.argv[1])
    if job['mode'] == 'produce':
        produce(job)
    else:
        consume(job)


if __name__ == '__main__':
    main()
