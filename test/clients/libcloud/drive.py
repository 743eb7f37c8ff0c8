"""
Apache libcloud's Equinix Metal driver (Debian's python3-libcloud, unchanged) driving a metalforge server through
what a Metal user does in ordinary use. Test-only peer: test/e2e/clients.test.ts runs it with Debian's python3.

The driver talks to api.equinix.com over https; only its connection's host, port and scheme are pointed at the
server. Steps the driver has no method for (projects, metros, the spot market) go through the driver's own
connection, as a libcloud user would call them.

Environment: METAL_HOST, METAL_PORT, METAL_AUTH_TOKEN, METAL_PLAN, METAL_FACILITY, METAL_METRO, METAL_OS.
Output: one JSON line per step, {"step": ..., "ok": true|false, "detail": ...}; exit status 1 if a step failed.
"""
import json
import os
import sys

from libcloud.compute.providers import get_driver
from libcloud.compute.types import NodeState, Provider

env = os.environ
failed = False


def step(name, run):
    global failed
    try:
        detail, ok = str(run()), True
    except Exception as error:  # a failed step is reported, and the next ones still run
        detail, ok = '%s: %s' % (type(error).__name__, error), False
        failed = True
    print(json.dumps({'step': name, 'ok': ok, 'detail': detail}), flush=True)
    return ok


def expect(ok, detail):
    if not ok:
        raise AssertionError('unexpected answer: %s' % detail)
    return detail


driver = get_driver(Provider.EQUINIXMETAL)(env['METAL_AUTH_TOKEN'])
driver.connection.host = env['METAL_HOST']
driver.connection.port = int(env['METAL_PORT'])
driver.connection.secure = False
driver.connection.connect()  # the driver connected to api.equinix.com when it was made
request = driver.connection.request
plan, facility, metro, os_slug = env['METAL_PLAN'], env['METAL_FACILITY'], env['METAL_METRO'], env['METAL_OS']
state = {}


def create_project():
    project = request('/metal/v1/projects', data=json.dumps({'name': 'libcloud-e2e'}), method='POST').object
    state['project'] = project['id']
    return project['id']


def list_sizes():
    sizes = driver.list_sizes(ex_project_id=state['project'])
    state['size'] = next(s for s in sizes if s.id == plan)
    return '%d plans' % len(sizes)


def list_locations():
    locations = driver.list_locations()
    state['location'] = next(l for l in locations if l.extra['code'] == facility)
    return '%d facilities' % len(locations)


def list_metros():
    metros = request('/metal/v1/locations/metros').object['metros']
    return expect(any(m['code'] == metro for m in metros), '%d metros' % len(metros))


def list_images():
    images = driver.list_images()
    state['image'] = next(i for i in images if i.id == os_slug)
    return '%d operating systems' % len(images)


def create_node():
    node = driver.create_node('libcloud-e2e', state['size'], state['image'], state['location'], ex_project_id=state['project'])
    state['node'] = node
    return '%s %s' % (node.id, node.extra.get('facility', {}).get('code'))


def get_node():
    nodes = driver.list_nodes(ex_project_id=state['project'])
    node = next(n for n in nodes if n.id == state['node'].id)
    return expect(node.name == 'libcloud-e2e', '%s %s' % (node.name, node.state))


def wait_running():
    [(node, addresses)] = driver.wait_until_running([state['node']], wait_period=1, timeout=120,
                                                    ex_list_nodes_kwargs={'ex_project_id': state['project']})
    state['node'] = node
    return expect(node.state == NodeState.RUNNING, 'running at %s' % ', '.join(addresses))


# reboot_node and destroy_node return `status == 200`, while Metal (and the spec) answer 202 and 204: a request
# that fails raises, so the step checks the effect instead of that boolean.
def reboot():
    driver.reboot_node(state['node'])
    listed = driver.ex_list_events_for_node(state['node'])['events']
    return expect(any('reboot' in e['body'] for e in listed), 'accepted')


def events():
    listed = driver.ex_list_events_for_node(state['node'])['events']
    return expect(len(listed) > 0, '%d events' % len(listed))


def spot_prices():
    prices = request('/metal/v1/market/spot/prices').object['spot_market_prices']
    price = prices[facility][plan]['price']
    return expect(price > 0, '%s %s: %s/h' % (facility, plan, price))


def spot_request():
    body = {'devices_min': 1, 'devices_max': 1, 'max_bid_price': 0.01, 'metro': metro,
            'instance_parameters': {'plan': plan, 'operating_system': os_slug, 'hostname': 'libcloud-spot'}}
    created = request('/metal/v1/projects/%s/spot-market-requests' % state['project'], data=json.dumps(body), method='POST').object
    read = request('/metal/v1/spot-market-requests/%s' % created['id']).object
    request('/metal/v1/spot-market-requests/%s' % created['id'], params={'force_termination': 'true'}, method='DELETE')
    return expect(read['id'] == created['id'], 'created, read and closed %s' % created['id'])


def destroy():
    driver.destroy_node(state['node'])
    nodes = driver.list_nodes(ex_project_id=state['project'])
    left = [n.state for n in nodes if n.id == state['node'].id]
    return expect(left in ([], [NodeState.TERMINATED]), 'deprovisioning' if left else 'gone')


if not step('create project', create_project):
    sys.exit(1)
step('list plans', list_sizes)
step('list facilities', list_locations)
step('list metros', list_metros)
step('list operating systems', list_images)
if not step('create device', create_node):
    sys.exit(1)
step('get device', get_node)
step('wait for active', wait_running)
step('reboot device', reboot)
step('list device events', events)
step('spot prices', spot_prices)
step('spot market request', spot_request)
step('delete device', destroy)
sys.exit(1 if failed else 0)
