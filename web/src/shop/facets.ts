/**
 * The catalog's rooms, categories and styles: the values the seed infers from product names
 * (scripts/src/seed/keywords.ts). Listed here rather than imported so the browser bundle does not
 * carry the seed's word lists.
 */
export const ROOMS = [
  'living-room',
  'kitchen',
  'dining-room',
  'bedroom',
  'bathroom',
  'hallway',
  'kids-room',
  'garden',
  'study',
];
export const CATEGORIES = [
  'furniture',
  'lighting',
  'clocks',
  'mirrors',
  'wall-decor',
  'textiles',
  'kitchen',
  'storage',
  'garden',
  'seasonal',
  'decorations',
  'bathroom',
  'jewellery',
  'bags',
  'kids',
  'stationery',
  'home',
];
export const STYLES = [
  'vintage',
  'rustic',
  'romantic',
  'floral',
  'french',
  'scandi',
  'boho',
  'glam',
  'playful',
  'british',
  'festive',
];

export const label = (value: string) => value.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
