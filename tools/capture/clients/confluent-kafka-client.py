#!/usr/bin/python3
"""Drives confluent-kafka (librdkafka underneath) for the golden-frame capture.

argv[1] is a JSON job built by tools/capture/capture.ts from test/golden/scenario.ts. Produce
sends the planned records and exits; consume joins the group and polls until the capture
script has seen its Fetch and kills it.
"""
import json
import sys

from confluent_kafka import Consumer, Producer


def utf8(s):
    return None if s is None else s.encode('utf-8')


def produce(job):
    producer = Producer({
        'bootstrap.servers': job['bootstrap'],
        'client.id': job['clientId'],
        'acks': job['acks'],
        'compression.codec': job['codec'],
        'request.timeout.ms': job['timeoutMs'],
        'linger.ms': 200,
    })
    # Learn the partition's leader first: records queued before it is known can leave in
    # separate requests, and the capture wants the plan in one batch.
    producer.list_topics(job['topic'], timeout=10)
    for r in job['records']:
        producer.produce(job['topic'], key=utf8(r['key']), value=utf8(r['value']),
                         headers=[(k, utf8(v)) for k, v in r['headers']],
                         partition=job['partition'], timestamp=r['timestamp'])
    remaining = producer.flush(20)
    if remaining != 0:
        sys.exit('%d records not delivered' % remaining)


def consume(job):
    c = job['consumer']
    conf = {
        'bootstrap.servers': job['bootstrap'],
        'client.id': job['clientId'],
        'group.id': c['groupId'],
        'session.timeout.ms': c['sessionTimeoutMs'],
        'max.poll.interval.ms': c['rebalanceTimeoutMs'],
        'fetch.wait.max.ms': c['maxWaitMs'],
        'fetch.min.bytes': c['minBytes'],
        'fetch.max.bytes': c['maxBytes'],
        'max.partition.fetch.bytes': c['partitionMaxBytes'],
        'isolation.level': 'read_committed' if c['isolationLevel'] == 1 else 'read_uncommitted',
        'partition.assignment.strategy': ','.join(c['assignors']),
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
    }
    if c['groupInstanceId'] is not None:
        conf['group.instance.id'] = c['groupInstanceId']
    consumer = Consumer(conf)
    consumer.subscribe([job['topic']])
    while True:
        consumer.poll(1.0)


def main():
    job = json.loads(sys.argv[1])
    if job['mode'] == 'produce':
        produce(job)
    else:
        consume(job)


if __name__ == '__main__':
    main()
