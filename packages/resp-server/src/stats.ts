/** Counters INFO stats reports. */
export class ServerStats {
  connectionsReceived = 0;
  rejectedConnections = 0;
  commandsProcessed = 0;
  errorReplies = 0;
  netInputBytes = 0;
  netOutputBytes = 0;

  reset(): void {
    this.connectionsReceived = 0;
    this.rejectedConnections = 0;
    this.commandsProcessed = 0;
    this.errorReplies = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
  }
}
