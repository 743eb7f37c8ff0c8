// cdktf's jest matchers (toHaveResourceWithProperties, ...); imported first by each construct and example test.
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';

Testing.setupJest();
