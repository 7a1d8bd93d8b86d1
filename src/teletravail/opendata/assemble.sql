-- Final tables built from the loaded sources (run after every loader).
-- communes: one row per COG 2026 current commune with every typology attached.
CREATE OR REPLACE TABLE communes AS
SELECT
    c.code,
    c.nom,
    c.departement,
    d.nom AS departement_nom,
    c.region,
    r.nom AS region_nom,
    c.arrondissement,
    c.siren,
    c.codes_postaux,
    c.population,
    c.zone,
    m.epci_siren,
    ce.lat,
    ce.lon,
    g.niveau_densite,
    g.libelle_densite,
    a.aav_code,
    av.aav_nom,
    a.cate_aav,
    a.cate_libelle AS cate_aav_libelle,
    av.aav_type AS aav_taille,
    av.taille_libelle AS aav_taille_libelle,
    ct.niveau_centralite,
    ct.libelle AS libelle_centralite,
    acv.id_acv IS NOT NULL AS acv,
    acv.id_acv,
    -- issue 10 (housing): pvd from ANCT's newer list (2026, with signing dates); pvd_2020 from the
    -- list of January 2020; acv stays the convention list (with its ids).
    coalesce(prg.pvd, false) AS pvd,
    pvd.commune_code IS NOT NULL AS pvd_2020,
    coalesce(prg.ort, false) AS ort,
    prg.acv_signature,
    prg.pvd_signature,
    prg.ort_signature
FROM cog_communes c
LEFT JOIN departements d ON d.code = c.departement
LEFT JOIN regions r ON r.code = c.region
LEFT JOIN epci_membres m ON m.commune_code = c.code
LEFT JOIN commune_centres ce ON ce.commune_code = c.code
LEFT JOIN grille_densite g ON g.commune_code = c.code
LEFT JOIN aav_communes a ON a.commune_code = c.code
LEFT JOIN aav av ON av.aav_code = a.aav_code
LEFT JOIN centralites ct ON ct.commune_code = c.code
LEFT JOIN (SELECT commune_code, min(id_acv) AS id_acv FROM acv WHERE commune_code IS NOT NULL
           GROUP BY commune_code) acv ON acv.commune_code = c.code
LEFT JOIN (SELECT DISTINCT commune_code FROM pvd WHERE commune_code IS NOT NULL) pvd
       ON pvd.commune_code = c.code
LEFT JOIN (SELECT commune_code, bool_or(pvd) AS pvd, bool_or(ort) AS ort,
                  min(acv_signature) AS acv_signature, min(pvd_signature) AS pvd_signature,
                  min(ort_signature) AS ort_signature
           FROM programmes_anct WHERE commune_code IS NOT NULL GROUP BY commune_code) prg
       ON prg.commune_code = c.code
ORDER BY c.code;

-- EPCIs with their population-weighted centre (WGS84 degrees) computed from member commune centres.
CREATE OR REPLACE TABLE epci_centres AS
SELECT m.epci_siren,
       sum(ce.lat * c.population) / nullif(sum(c.population), 0) AS lat,
       sum(ce.lon * c.population) / nullif(sum(c.population), 0) AS lon
FROM epci_membres m
JOIN cog_communes c ON c.code = m.commune_code
JOIN commune_centres ce ON ce.commune_code = m.commune_code
GROUP BY m.epci_siren;

CREATE OR REPLACE TABLE epcis AS
SELECT e.*, ec.lat, ec.lon,
       (SELECT count(*) FROM epci_membres m JOIN communes c ON c.code = m.commune_code
        WHERE m.epci_siren = e.siren AND c.acv) AS nb_communes_acv
FROM epcis e LEFT JOIN epci_centres ec ON ec.epci_siren = e.siren
ORDER BY e.siren;
DROP TABLE epci_centres;
