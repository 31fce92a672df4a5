export { createBduaConnector, regimeFromFileName } from './connector';
export { BDUA_LAYOUT } from './layout';
