// Integration tests start processes and talk to DynamoDB Local; `testTimeout` is global in
// Jest, so projects that need longer set it here.
jest.setTimeout(60_000);
