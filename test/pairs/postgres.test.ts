import { postgresEngine } from '../support/postgres.js';
import { postgresPairs } from './cases/postgres.js';
import { pairSuite } from './run-pairs.js';

pairSuite(postgresEngine, postgresPairs);
