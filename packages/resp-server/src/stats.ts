/** Counters INFO stats reports. */
export class ServerStats {
  connectionsReceived = 0;
  rejectedConnections = 0;
  commandsProcessed = 0;
  errorReplies = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  /** Failed AUTH and HELLO AUTH. */
  aclDeniedAuth = 0;
  aclDeniedCmd = 0;
  aclDeniedKey = 0;
  queryBufferLimitDisconnections = 0;
  outputBufferLimitDisconnections = 0;

  reset(): void {
    this.connectionsReceived = 0;
    this.rejectedConnections = 0;
    this.commandsProcessed = 0;
    this.errorReplies = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.aclDeniedAuth = 0;
    this.aclDeniedCmd = 0;
    this.aclDeniedKey = 0;
    this.queryBufferLimitDisconnections = 0;
    this.outputBufferLimitDisconnections = 0;
  }
}
