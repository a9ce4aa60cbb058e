// A module that loads fine but exports no backend.
export default { greeting: 'hello' };
export function add(a, b) {
  return a + b;
}
