/**
 * Colombian name material for synthetic people, each list in descending order of frequency.
 *
 * Method: the head of each surname list follows the published rankings of the most frequent
 * surnames among Colombian cédulas (Registraduría counts as reported in the press: RODRÍGUEZ, GÓMEZ,
 * GONZÁLEZ, MARTÍNEZ, GARCÍA … cover several per cent each); the tail adds the regional surnames
 * that make a Colombian registry look Colombian — Antioquia and the Eje Cafetero (RESTREPO, LONDOÑO,
 * GIRALDO), the Pacific (MOSQUERA, PALACIOS, RENTERÍA, IBARGÜEN), the Caribbean (DE LA HOZ, ARRIETA,
 * FONTALVO), the Andean centre (PINZÓN, CHAPARRO, BOHÓRQUEZ), Nariño and Cauca, including the
 * indigenous surnames of Cauca (TUNUBALÁ, PECHENÉ, ULCUÉ). Only the order is taken from those
 * rankings; the weights are a Zipf law over the rank (see `zipfSampler`), which is how surname
 * frequencies are distributed. Given names follow the same approach with the names registries of
 * the poorest households carry (compound "MARÍA DEL CARMEN", anglicised "JHON", "YEISON", "LEIDY").
 * Synthetic people only: no list here comes from a personal-data source.
 */

export const SURNAMES_BY_FREQUENCY: readonly string[] = [
  // The national head of the ranking.
  'RODRÍGUEZ', 'GÓMEZ', 'GONZÁLEZ', 'MARTÍNEZ', 'GARCÍA', 'LÓPEZ', 'HERNÁNDEZ', 'SÁNCHEZ', 'RAMÍREZ', 'PÉREZ',
  'DÍAZ', 'MUÑOZ', 'ROJAS', 'MORENO', 'JIMÉNEZ', 'CASTRO', 'VARGAS', 'TORRES', 'ORTIZ', 'RUIZ',
  'SUÁREZ', 'MEJÍA', 'CASTILLO', 'GUTIÉRREZ', 'OSORIO', 'CARDONA', 'VALENCIA', 'QUINTERO', 'ZAPATA', 'MOSQUERA',
  'ROMERO', 'HERRERA', 'ÁLVAREZ', 'GIRALDO', 'MARÍN', 'CÁRDENAS', 'RESTREPO', 'ARIAS', 'SALAZAR', 'OSPINA',
  'AGUDELO', 'PALACIOS', 'CÓRDOBA', 'LONDOÑO', 'MONTOYA', 'RINCÓN', 'GUERRERO', 'MEDINA', 'ROA', 'PARRA',
  'ACOSTA', 'BETANCUR', 'RIVERA', 'CARDOZO', 'RAMOS', 'DELGADO', 'CABRERA', 'REYES', 'AGUIRRE', 'LOZANO',
  'SIERRA', 'PINEDA', 'ARANGO', 'JARAMILLO', 'ESCOBAR', 'URIBE', 'CORREA', 'HENAO', 'BEDOYA', 'ECHEVERRI',
  'ORTEGA', 'NIÑO', 'FORERO', 'BERNAL', 'CÁCERES', 'VEGA', 'PINZÓN', 'PATIÑO', 'CASTAÑO', 'GALLEGO',
  'VÁSQUEZ', 'VELÁSQUEZ', 'DUQUE', 'CAMACHO', 'BARRERA', 'BUITRAGO', 'MENDOZA', 'NAVARRO', 'SALAS', 'BARRIOS',
  'CASTAÑEDA', 'MORALES', 'PEÑA', 'CRUZ', 'CORTÉS', 'MURILLO', 'RENTERÍA', 'CUESTA', 'PALACIO', 'PRIETO',
  // The tail: regional surnames.
  'OCAMPO', 'ZULUAGA', 'ARISTIZÁBAL', 'ARBELÁEZ', 'GAVIRIA', 'ECHAVARRÍA', 'MÚNERA', 'OCHOA', 'TABARES', 'VALLEJO',
  'GRISALES', 'SEPÚLVEDA', 'HOYOS', 'POSADA', 'VILLA', 'ÁLZATE', 'CASTRILLÓN', 'CEBALLOS', 'LOAIZA', 'ROJO',
  'IBARGÜEN', 'PEREA', 'HINESTROZA', 'LEMOS', 'MENA', 'MATURANA', 'RIVAS', 'PALOMEQUE', 'CHAVERRA', 'ASPRILLA',
  'CAICEDO', 'QUIÑONES', 'ANGULO', 'CUERO', 'HURTADO', 'OBREGÓN', 'MOSQUEDA', 'VIVEROS', 'SINISTERRA', 'BONILLA',
  'ARRIETA', 'FONTALVO', 'PERTUZ', 'OSPINO', 'CHARRIS', 'POLO', 'PACHECO', 'MERCADO', 'JULIO', 'CASSIANI',
  'ALTAMAR', 'OROZCO', 'RADA', 'PADILLA', 'MARTELO', 'BARRAZA', 'ARIZA', 'ESCORCIA', 'MACHADO', 'PUELLO',
  'CHAPARRO', 'BOHÓRQUEZ', 'QUIROGA', 'CIFUENTES', 'FONSECA', 'PULIDO', 'MOYANO', 'SUESCÚN', 'CHÍA', 'GÜIZA',
  'MALAGÓN', 'SOCHA', 'CUERVO', 'AYALA', 'CORREDOR', 'MOLANO', 'GARZÓN', 'CAMARGO', 'AVELLANEDA', 'BECERRA',
  'VILLAMIZAR', 'SERRANO', 'PABÓN', 'PRADA', 'ARDILA', 'CARREÑO', 'JAIMES', 'RUEDA', 'DUARTE', 'ARGÜELLO',
  'BLANCO', 'CALDERÓN', 'GÉLVEZ', 'LIZCANO', 'PEÑARANDA', 'QUINTANA', 'SANABRIA', 'SUÁREZ DE', 'URIBE DE', 'VERA',
  'BENAVIDES', 'ERAZO', 'CHAMORRO', 'BURBANO', 'PANTOJA', 'JOJOA', 'ROSERO', 'BOLAÑOS', 'VILLOTA', 'INSUASTY',
  'CUASPUD', 'NARVÁEZ', 'TIMANÁ', 'MUÑOZ DE', 'ORDÓÑEZ', 'IBÁÑEZ', 'NÚÑEZ', 'MONTAÑO', 'CAMPO', 'MAJÍN',
  'TUNUBALÁ', 'PECHENÉ', 'ULCUÉ', 'YATACUÉ', 'QUILCUÉ', 'CHOCUÉ', 'TUMIÑÁ', 'IPIA', 'GUEJIA', 'PITO',
  'OVIEDO', 'LEÓN', 'ÁVILA', 'PAREDES', 'FRANCO', 'FLÓREZ', 'GALEANO', 'GAITÁN', 'GALINDO', 'BELTRÁN',
  'BARÓN', 'BAUTISTA', 'CARRILLO', 'CONTRERAS', 'CUBILLOS', 'ESPINOSA', 'FAJARDO', 'FIGUEROA', 'FUENTES', 'GALVIS',
  'GUZMÁN', 'LEAL', 'LINARES', 'LUNA', 'MALDONADO', 'MANRIQUE', 'MARULANDA', 'MONSALVE', 'MONTES', 'MORA',
  'MOSOS', 'NIETO', 'OLAYA', 'OLARTE', 'OSSA', 'PARDO', 'PEDRAZA', 'PERDOMO', 'PIEDRAHITA', 'PORRAS',
  'POVEDA', 'QUIJANO', 'QUICENO', 'RENGIFO', 'RICO', 'RIAÑO', 'ROBAYO', 'ROBLEDO', 'SALCEDO', 'SANDOVAL',
  'SANTAMARÍA', 'SARMIENTO', 'SILVA', 'SOLANO', 'SOTO', 'TAMAYO', 'TAPIAS', 'TOBÓN', 'TOLEDO', 'TRUJILLO',
  'USME', 'VALBUENA', 'VALDERRAMA', 'VANEGAS', 'VELANDIA', 'VELASCO', 'VILLADA', 'VILLEGAS', 'ZAMBRANO', 'ZAMORA',
  'ACEVEDO', 'ALARCÓN', 'ALDANA', 'AMAYA', 'ANAYA', 'ARBOLEDA', 'ARENAS', 'ARROYAVE', 'BARBOSA', 'BARRAGÁN',
  'BENÍTEZ', 'BUSTOS', 'CADAVID', 'CANO', 'CARVAJAL', 'CASAS', 'CHAVES', 'COLORADO', 'CUARTAS', 'DAZA',
  'ESPITIA', 'ESTRADA', 'FERNÁNDEZ', 'GAMBOA', 'GARCÉS', 'GIL', 'GIRÓN', 'GRANADOS', 'GUEVARA', 'HIGUITA',
  'JARAMILLO DE', 'LARA', 'LEMUS', 'LONDOÑO DE', 'MACÍAS', 'MANJARRÉS', 'MARTÍN', 'MENESES', 'MESA', 'MOLINA',
  'MONCADA', 'MONTENEGRO', 'MUÑETÓN', 'NOGUERA', 'OBANDO', 'OQUENDO', 'OSORNO', 'PAZ', 'PINILLA', 'PINTO',
  'PLATA', 'POLANCO', 'PUERTA', 'QUINTERO DE', 'RÍOS', 'RIVERO', 'ROCHA', 'RUBIO', 'SALGADO', 'SANTANA',
  'SEGURA', 'SUAZA', 'TELLO', 'TOVAR', 'URREGO', 'VALDÉS', 'VALENZUELA', 'VARÓN', 'VIDAL', 'YEPES',
].filter((s) => !s.endsWith(' DE'));

/** Compound surnames with particles (domain.md §5.1), drawn for a few per cent of surnames. */
export const COMPOUND_SURNAMES: readonly string[] = [
  'DE LA HOZ', 'DEL CASTILLO', 'DE LOS RÍOS', 'DE ÁVILA', 'DE LA CRUZ', 'DE LA ROSA', 'DEL VALLE', 'SAN MARTÍN', 'DE LA PAVA', 'DE ARMAS',
];

export const FEMALE_GIVEN_BY_FREQUENCY: readonly string[] = [
  'MARÍA', 'LUZ', 'ANA', 'SANDRA', 'DIANA', 'PAOLA', 'YULIETH', 'LEIDY', 'ÁNGELA', 'MARTHA',
  'CLAUDIA', 'NATALIA', 'YESICA', 'MÓNICA', 'CAROLINA', 'ANA MARÍA', 'MARÍA DEL CARMEN', 'GLORIA', 'BLANCA', 'VALENTINA',
  'ADRIANA', 'LILIANA', 'DAYANA', 'YURANI', 'MARCELA', 'JOHANA', 'ALEJANDRA', 'ANDREA', 'LAURA', 'CAMILA',
  'DANIELA', 'SOFÍA', 'ISABELLA', 'MARÍA JOSÉ', 'LUZ MARINA', 'LUZ DARY', 'ROSA', 'CARMEN', 'NUBIA', 'MARLENY',
  'YOLANDA', 'ESPERANZA', 'ROCÍO', 'INÉS', 'DEICY', 'MAYERLY', 'XIMENA', 'LINA', 'ERIKA', 'VIVIANA',
  'PATRICIA', 'BEATRIZ', 'AMPARO', 'FANNY', 'OLGA', 'STELLA', 'LUCERO', 'AURA', 'DORA', 'ELSA',
  'YENNY', 'YADIRA', 'YAMILE', 'YURLEY', 'DERLY', 'KAREN', 'LEYDI', 'MILENA', 'NANCY', 'OFELIA',
  'SARA', 'SALOMÉ', 'MARIANA', 'GABRIELA', 'ANTONELLA', 'EMILY', 'SHARON', 'KATHERINE', 'JULIANA', 'PAULA',
  'TATIANA', 'VANESSA', 'ZULMA', 'ARGENIS', 'CENAIDA', 'EDILMA', 'GRACIELA', 'HERMINIA', 'ISABEL', 'LEONOR',
];

export const MALE_GIVEN_BY_FREQUENCY: readonly string[] = [
  'JOSÉ', 'JUAN', 'LUIS', 'CARLOS', 'JHON', 'JORGE', 'ANDRÉS', 'DIEGO', 'JAIME', 'ÓSCAR',
  'JESÚS', 'MIGUEL', 'FABIÁN', 'HERNÁN', 'DAVID', 'ALEXÁNDER', 'BRAYAN', 'YEISON', 'WILMER', 'JHONATAN',
  'JUAN DAVID', 'JUAN CAMILO', 'JUAN PABLO', 'JUAN SEBASTIÁN', 'JUAN JOSÉ', 'JHON JAIRO', 'LUIS ALBERTO', 'JOSÉ LUIS', 'CARLOS ANDRÉS', 'JOSÉ ANTONIO',
  'SEBASTIÁN', 'SANTIAGO', 'SAMUEL', 'MATÍAS', 'ALEJANDRO', 'CRISTIAN', 'ESTEBAN', 'FELIPE', 'NICOLÁS', 'DANIEL',
  'EDWIN', 'EDGAR', 'ÉDGAR', 'NÉSTOR', 'RUBÉN', 'DUVÁN', 'YEFERSON', 'ELKIN', 'STIVEN', 'WILSON',
  'WILLIAM', 'FREDY', 'HÉCTOR', 'HUMBERTO', 'GUILLERMO', 'GUSTAVO', 'HUGO', 'ÁLVARO', 'ALBEIRO', 'ARLEY',
  'RODRIGO', 'RICARDO', 'RAMIRO', 'ORLANDO', 'OMAR', 'NELSON', 'MAURICIO', 'MARIO', 'LEONARDO', 'JAVIER',
  'JAIRO', 'IVÁN', 'GERMÁN', 'GABRIEL', 'FRANCISCO', 'FERNANDO', 'EDUARDO', 'DARÍO', 'CÉSAR', 'ARMANDO',
  'ANDERSON', 'JEFERSON', 'DEIVER', 'YERSON', 'DUBÁN', 'EIDER', 'FÉLIX', 'EMILIANO', 'TOMÁS', 'MAXIMILIANO',
];

/** Second given names, including the compound forms registries store in `segundo nombre`. */
export const FEMALE_SECOND: readonly string[] = [
  'DEL CARMEN', 'DE JESÚS', 'DEL SOCORRO', 'DE LOS ÁNGELES', 'DEL PILAR', 'ISABEL', 'ALEJANDRA', 'FERNANDA', 'JOHANA', 'PATRICIA',
  'CRISTINA', 'INÉS', 'LUCÍA', 'MILENA', 'ANDREA', 'CAMILA', 'MARCELA', 'VANESSA', 'LORENA', 'TATIANA',
];
export const MALE_SECOND: readonly string[] = [
  'DE JESÚS', 'DE DIOS', 'ANTONIO', 'JOSÉ', 'DAVID', 'ANDRÉS', 'FERNANDO', 'ALBERTO', 'ENRIQUE', 'ESTEBAN',
  'FELIPE', 'MANUEL', 'CAMILO', 'ALEXIS', 'ÁNGEL', 'EDUARDO', 'MAURICIO', 'ALFONSO', 'ARTURO', 'EMILIO',
];
