/**
 * The Segment documentation's own example payloads, copied verbatim as test fixtures (only the
 * formatting of the JSON differs). Sources, in github.com/segmentio/segment-docs:
 * - HTTP API: src/connections/sources/catalog/libraries/server/http-api/index.md ("Example
 *   Identify call", Track, Page, Group, Alias, and the `batch` request signature);
 * - Common fields: src/connections/spec/common.md ("an example of these common fields in raw JSON").
 * The batch example's "2015-2-02T00:30:08.276Z" is not ISO-8601; it is kept as documented (the
 * mapper then uses the receive time, segment/messages.ts).
 */
export const HTTP_API_EXAMPLES = {
  identify: {
    userId: '019mr8mf4r',
    traits: { email: 'pgibbons@example.com', name: 'Peter Gibbons', industry: 'Technology' },
    context: { ip: '24.5.68.47' },
    timestamp: '2012-12-02T00:30:08.276Z',
    writeKey: 'YOUR_WRITE_KEY',
  },
  track: {
    userId: '019mr8mf4r',
    event: 'Item Purchased',
    properties: { name: 'Leap to Conclusions Mat', revenue: 14.99 },
    context: { ip: '24.5.68.47' },
    timestamp: '2012-12-02T00:30:12.984Z',
    writeKey: 'YOUR_WRITE_KEY',
  },
  page: { userId: '019mr8mf4r', name: 'Tracking HTTP API', timestamp: '2012-12-02T00:31:29.738Z', writeKey: 'YOUR_WRITE_KEY' },
  group: {
    userId: '019mr8mf4r',
    groupId: '8e9df332ac',
    traits: { name: 'Initech', industry: 'Technology', employees: 420 },
    timestamp: '2012-12-02T00:31:38.208Z',
    writeKey: 'YOUR_WRITE_KEY',
  },
  alias: { previousId: '39239-239239-239239-23923', userId: '019mr8mf4r', timestamp: '2012-12-02T00:31:29.738Z', writeKey: 'YOUR_WRITE_KEY' },
  batch: {
    batch: [
      { type: 'identify', userId: '019mr8mf4r', traits: { email: 'jake@yahoo.com', name: 'Jake Peterson', age: 26 }, timestamp: '2012-12-02T00:30:08.276Z' },
      {
        type: 'track',
        userId: '019mr8mf4r',
        event: 'Song Played',
        properties: { name: 'Fallin for You', artist: 'Dierks Bentley' },
        timestamp: '2012-12-02T00:30:12.984Z',
      },
      { type: 'identify', userId: '971mj8mk7p', traits: { email: 'cindy@example.com', name: 'Cindy Gonzalez', age: 23 }, timestamp: '2015-2-02T00:30:08.276Z' },
      {
        type: 'track',
        userId: '971mj8mk7p',
        event: 'Song Played',
        properties: { name: 'Get Right', artist: 'Jennifer Lopez' },
        timestamp: '2015-2-02T00:30:12.984Z',
      },
    ],
    writeKey: 'YOUR_WRITE_KEY',
    context: { device: { type: 'phone', name: 'Apple iPhone 6' } },
  },
} as const;

/** src/connections/spec/common.md: every common field, with a full context object. */
export const COMMON_FIELDS_EXAMPLE = {
  anonymousId: '507f191e810c19729de860ea',
  context: {
    active: true,
    app: { name: 'InitechGlobal', version: '545', build: '3.0.1.545', namespace: 'com.production.segment' },
    campaign: { name: 'TPS Innovation Newsletter', source: 'Newsletter', medium: 'email', term: 'tps reports', content: 'image link' },
    device: {
      id: 'B5372DB0-C21E-11E4-8DFC-AA07A5B093DB',
      advertisingId: '7A3CBEA0-BDF5-11E4-8DFC-AA07A5B093DB',
      adTrackingEnabled: true,
      manufacturer: 'Apple',
      model: 'iPhone7,2',
      name: 'maguro',
      type: 'ios',
      token: 'ff15bc0c20c4aa6cd50854ff165fd265c838e5405bfeb9571066395b8c9da449',
    },
    ip: '8.8.8.8',
    library: { name: 'analytics.js', version: '2.11.1' },
    locale: 'en-US',
    location: { city: 'San Francisco', country: 'United States', latitude: 40.2964197, longitude: -76.9411617, speed: 0 },
    network: { bluetooth: false, carrier: 'T-Mobile US', cellular: true, wifi: false },
    os: { name: 'iPhone OS', version: '8.1.3' },
    page: { path: '/academy/', referrer: '', search: '', title: 'Analytics Academy', url: 'https://segment.com/academy/' },
    referrer: { id: 'ABCD582CDEFFFF01919', type: 'dataxu' },
    screen: { width: 320, height: 568, density: 2 },
    groupId: '12345',
    timezone: 'Europe/Amsterdam',
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 9_1 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Version/9.0 Mobile/13B143 Safari/601.1',
  },
  integrations: { All: true, Mixpanel: false, Salesforce: false },
  messageId: '022bb90c-bbac-11e4-8dfc-aa07a5b093db',
  receivedAt: '2015-12-10T04:08:31.909Z',
  sentAt: '2015-12-10T04:08:31.581Z',
  timestamp: '2015-12-10T04:08:31.905Z',
  type: 'track',
  userId: '97980cfea0067',
  version: 2,
} as const;
