import type { AttributeValue as SdkAttributeValue, _Record as SdkRecord } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

type Image = Record<string, AttributeValue>;

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

// The SDK hands binary values over as bytes; a Lambda event carries them as base64 strings.
const toLambdaValue = (value: SdkAttributeValue): AttributeValue => {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  return value as AttributeValue; // S, N, SS, NS, BOOL and NULL read the same in both
};

const toLambdaImage = (image: Record<string, SdkAttributeValue>): Image =>
  Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));

const withImage = (name: 'Keys' | 'NewImage' | 'OldImage', image: Record<string, SdkAttributeValue> | undefined) =>
  image === undefined ? {} : { [name]: toLambdaImage(image) };

/**
 * A record as `GetRecords` returns it, in the shape Lambda delivers it in a
 * `DynamoDBStreamEvent`: `eventSourceARN` set, `ApproximateCreationDateTime` in epoch seconds,
 * binary values as base64.
 *
 * @example
 * ```ts
 * const { Records = [] } = await streams.send(new GetRecordsCommand({ ShardIterator }));
 * const event: DynamoDBStreamEvent = { Records: Records.map((r) => toLambdaStreamRecord(r, streamArn)) };
 * ```
 */
export const toLambdaStreamRecord = (record: SdkRecord, streamArn: string): DynamoDBRecord => {
  const change = record.dynamodb ?? {};
  const createdAt = change.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource ?? 'aws:dynamodb',
    eventSourceARN: streamArn,
    awsRegion: record.awsRegion,
    dynamodb: {
      ...(createdAt !== undefined && { ApproximateCreationDateTime: Math.floor(createdAt.getTime() / 1000) }),
      ...withImage('Keys', change.Keys),
      ...withImage('NewImage', change.NewImage),
      ...withImage('OldImage', change.OldImage),
      SequenceNumber: change.SequenceNumber,
      SizeBytes: change.SizeBytes,
      StreamViewType: change.StreamViewType,
    },
    ...(record.userIdentity !== undefined && { userIdentity: record.userIdentity }),
  };
};
