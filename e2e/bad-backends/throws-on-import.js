// A module whose evaluation fails.
throw new Error('this module fails while it is being imported');
