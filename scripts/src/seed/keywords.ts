/**
 * What the words of a product description say about it. The retail data has only a code and an
 * upper-case description per item, so category, room, style, options and material are read from
 * them. First matching rule wins, so the more specific rules come first.
 */

export interface Rule {
  value: string;
  words: string[];
}

export const categoryRules: Rule[] = [
  { value: 'clocks', words: ['CLOCK', 'ALARM'] },
  {
    value: 'lighting',
    words: [
      'LAMP',
      'LANTERN',
      'T-LIGHT',
      'T-LIGHTS',
      'TEA LIGHT',
      'LIGHTS',
      'LIGHT',
      'CANDLE',
      'CANDLES',
      'CHANDELIER',
      'NIGHTLIGHT',
    ],
  },
  { value: 'mirrors', words: ['MIRROR'] },
  {
    value: 'furniture',
    words: [
      'CABINET',
      'DRAWER',
      'DRAWERS',
      'STOOL',
      'CHAIR',
      'SHELF',
      'BENCH',
      'WARDROBE',
      'SIDE TABLE',
      'COFFEE TABLE',
      'FOLDING TABLE',
    ],
  },
  {
    value: 'wall-decor',
    words: [
      'FRAME',
      'SIGN',
      'PLAQUE',
      'WALL',
      'METAL SIGN',
      'PICTURE',
      'ART',
      'TILE',
      'HOOK',
      'HOOKS',
      'COAT RACK',
    ],
  },
  {
    value: 'textiles',
    words: [
      'CUSHION',
      'THROW',
      'BLANKET',
      'QUILT',
      'TOWEL',
      'APRON',
      'CURTAIN',
      'DOORMAT',
      'RUG',
      'HOT WATER BOTTLE',
    ],
  },
  {
    value: 'kitchen',
    words: [
      'MUG',
      'CUP',
      'CUPS',
      'PLATE',
      'PLATES',
      'BOWL',
      'BOWLS',
      'TEA',
      'TEAPOT',
      'JAR',
      'CAKE',
      'BAKING',
      'CUTLERY',
      'SPOON',
      'NAPKINS',
      'LUNCH',
      'BOTTLE',
      'PANTRY',
      'KITCHEN',
      'TRAY',
      'COASTER',
      'COASTERS',
      'EGG CUP',
      'JUG',
      'GLASS',
      'TUMBLER',
      'CHOPSTICKS',
    ],
  },
  {
    value: 'storage',
    words: ['BOX', 'BOXES', 'BASKET', 'STORAGE', 'TIN', 'TINS', 'CRATE', 'HAMPER', 'CASE', 'CASES'],
  },
  {
    value: 'garden',
    words: ['GARDEN', 'PLANTER', 'PLANT', 'POT', 'WATERING', 'BIRD', 'FEEDER', 'BIRDHOUSE', 'WINDMILL'],
  },
  {
    value: 'seasonal',
    words: ['CHRISTMAS', 'XMAS', 'EASTER', 'ADVENT', 'BAUBLE', 'HALLOWEEN', 'SNOWFLAKE', 'REINDEER'],
  },
  {
    value: 'decorations',
    words: [
      'DECORATION',
      'GARLAND',
      'BUNTING',
      'HANGING',
      'ORNAMENT',
      'WREATH',
      'DOORSTOP',
      'VASE',
      'FLOWER',
      'FLOWERS',
    ],
  },
  { value: 'bathroom', words: ['BATH', 'SOAP', 'TOILET', 'SPONGE', 'WASHBAG'] },
  {
    value: 'jewellery',
    words: ['NECKLACE', 'BRACELET', 'EARRINGS', 'RING', 'CHARM', 'BROOCH', 'PENDANT', 'HAIR', 'DIAMANTE'],
  },
  { value: 'bags', words: ['BAG', 'BAGS', 'PURSE', 'SHOPPER', 'TOTE', 'BACKPACK', 'UMBRELLA'] },
  {
    value: 'kids',
    words: [
      'DOLLY',
      'TOY',
      'CHILDRENS',
      "CHILDREN'S",
      'KIDS',
      'SPACEBOY',
      'GAME',
      'PUZZLE',
      'CRAYONS',
      'TEDDY',
      'PLAYHOUSE',
      'PARTY',
    ],
  },
  {
    value: 'stationery',
    words: [
      'CARD',
      'CARDS',
      'WRAP',
      'NOTEBOOK',
      'PEN',
      'PENCIL',
      'PENCILS',
      'STICKER',
      'STICKERS',
      'PAPER',
      'ENVELOPE',
      'TAPE',
      'MAGNET',
      'MAGNETS',
      'CALENDAR',
      'JOURNAL',
    ],
  },
];

export const roomByCategory: Record<string, string> = {
  furniture: 'living-room',
  lighting: 'living-room',
  clocks: 'living-room',
  mirrors: 'hallway',
  'wall-decor': 'living-room',
  textiles: 'bedroom',
  kitchen: 'kitchen',
  storage: 'bedroom',
  garden: 'garden',
  seasonal: 'living-room',
  decorations: 'living-room',
  bathroom: 'bathroom',
  jewellery: 'bedroom',
  bags: 'hallway',
  kids: 'kids-room',
  stationery: 'study',
  home: 'living-room',
};

/** Words that name a room outright beat the category's usual room. */
export const roomRules: Rule[] = [
  { value: 'kitchen', words: ['KITCHEN', 'PANTRY', 'LARDER', 'BAKING'] },
  { value: 'dining-room', words: ['DINING', 'NAPKINS', 'PLACEMAT', 'PLACEMATS', 'CUTLERY'] },
  { value: 'bathroom', words: ['BATH', 'BATHROOM', 'TOILET', 'SOAP'] },
  { value: 'bedroom', words: ['BEDROOM', 'QUILT', 'PILLOW', 'NIGHT', 'JEWELLERY'] },
  { value: 'kids-room', words: ['CHILDRENS', "CHILDREN'S", 'KIDS', 'NURSERY', 'BABY', 'DOLLY', 'SPACEBOY'] },
  { value: 'garden', words: ['GARDEN', 'OUTDOOR', 'BIRD', 'PICNIC'] },
  { value: 'hallway', words: ['DOORMAT', 'COAT', 'KEY', 'DOORSTOP', 'UMBRELLA'] },
  { value: 'study', words: ['OFFICE', 'DESK', 'NOTEBOOK'] },
];

export const styleRules: Rule[] = [
  {
    value: 'vintage',
    words: ['VINTAGE', 'ANTIQUE', 'RETRO', "70'S", 'RETROSPOT', 'BAROQUE', 'VICTORIAN', 'EDWARDIAN'],
  },
  {
    value: 'rustic',
    words: ['WOODEN', 'WOOD', 'ZINC', 'ENAMEL', 'RUSTIC', 'WICKER', 'JUTE', 'FARMHOUSE', 'BARN'],
  },
  { value: 'romantic', words: ['HEART', 'HEARTS', 'LOVE', 'SWEETHEART', 'ROSE', 'ROSES', 'LACE'] },
  {
    value: 'floral',
    words: ['FLOWER', 'FLOWERS', 'FLORAL', 'BLOSSOM', 'DAISY', 'ROSE', 'HYDRANGEA', 'LAVENDER', 'PAISLEY'],
  },
  { value: 'french', words: ['FRENCH', 'PARIS', 'PARISIENNE', 'BELLE'] },
  {
    value: 'scandi',
    words: ['SCANDINAVIAN', 'NORDIC', 'WHITE', 'GINGHAM', 'WOODLAND', 'REINDEER', 'SNOWFLAKE'],
  },
  { value: 'boho', words: ['MOROCCAN', 'BOHO', 'INDIAN', 'KASHMIR', 'BEADED', 'TASSEL', 'ETHNIC'] },
  {
    value: 'glam',
    words: ['CRYSTAL', 'DIAMANTE', 'GOLD', 'SILVER', 'GLITTER', 'BLING', 'JEWELLED', 'CHANDELIER'],
  },
  {
    value: 'playful',
    words: [
      'SPACEBOY',
      'DOLLY',
      'CIRCUS',
      'POLKADOT',
      'SPOTTY',
      'DINOSAUR',
      'ROBOT',
      'PIRATE',
      'FAIRY',
      'MAGIC',
    ],
  },
  { value: 'british', words: ['UNION', 'JACK', 'LONDON', 'BRITISH', 'ENGLISH', 'KEEP CALM'] },
  { value: 'festive', words: ['CHRISTMAS', 'XMAS', 'EASTER', 'ADVENT', 'BAUBLE', 'STAR'] },
];

export const colourWords = new Set([
  'RED',
  'PINK',
  'BLUE',
  'GREEN',
  'WHITE',
  'BLACK',
  'IVORY',
  'CREAM',
  'SILVER',
  'GOLD',
  'PURPLE',
  'YELLOW',
  'ORANGE',
  'GREY',
  'BROWN',
  'TURQUOISE',
  'LILAC',
  'AQUA',
  'AMBER',
  'AMETHYST',
  'FUSCHIA',
  'LIME',
  'NAVY',
  'TEAL',
  'MAUVE',
  'BEIGE',
  'NATURAL',
  'COPPER',
  'BRONZE',
  'CLEAR',
  'JADE',
  'CORAL',
  'MINT',
  'ROSE',
  'PEACH',
  'VIOLET',
  'SAGE',
  'CHOCOLATE',
  'MULTICOLOUR',
]);

export const sizeWords = new Set([
  'SMALL',
  'MEDIUM',
  'LARGE',
  'MINI',
  'JUMBO',
  'GIANT',
  'TINY',
  'BIG',
  'EXTRA',
  'XL',
]);

export const materialRules: Rule[] = [
  { value: 'glass', words: ['GLASS'] },
  { value: 'ceramic', words: ['CERAMIC', 'PORCELAIN', 'CHINA', 'STONEWARE'] },
  { value: 'wood', words: ['WOOD', 'WOODEN', 'BAMBOO'] },
  {
    value: 'metal',
    words: ['METAL', 'ZINC', 'IRON', 'TIN', 'ENAMEL', 'STEEL', 'WIRE', 'ALUMINIUM', 'BRASS'],
  },
  {
    value: 'textile',
    words: ['FELT', 'COTTON', 'LINEN', 'FABRIC', 'WOOL', 'VELVET', 'JUTE', 'CANVAS', 'FLOCK', 'LACE'],
  },
  { value: 'paper', words: ['PAPER', 'CARD', 'CARDBOARD'] },
  { value: 'wicker', words: ['WICKER', 'RATTAN', 'WILLOW', 'SEAGRASS'] },
  { value: 'plastic', words: ['PLASTIC', 'ACRYLIC', 'RUBBER', 'MELAMINE'] },
];

/** Upper-case words of a description, with '/' and ',' as separators too (`PINK/WHITE`). */
export function wordsOf(description: string): string[] {
  return description
    .toUpperCase()
    .split(/[\s/,]+/)
    .map((w) => w.replace(/^["(]+|[")]+$/g, ''))
    .filter((w) => w.length > 0);
}

/** Whether `words` contain the phrase (one or more words). */
function hasPhrase(words: string[], text: string, phrase: string): boolean {
  return phrase.includes(' ') ? text.includes(` ${phrase} `) : words.includes(phrase);
}

export function firstMatch(rules: Rule[], words: string[]): string | undefined {
  const text = ` ${words.join(' ')} `;
  return rules.find((r) => r.words.some((w) => hasPhrase(words, text, w)))?.value;
}

export function allMatches(rules: Rule[], words: string[]): string[] {
  const text = ` ${words.join(' ')} `;
  return rules.filter((r) => r.words.some((w) => hasPhrase(words, text, w))).map((r) => r.value);
}
